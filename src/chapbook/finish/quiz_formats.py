"""Review questions in the formats learning platforms import: GIFT, Moodle XML, QTI 2.1.

Teachers re-type a booklet's review questions into Moodle or Canvas; these writers take the
quiz items of :mod:`chapbook.render.quiz` and write them in each platform's own import
format. A question with ``options`` becomes a multiple-choice question (when it says which is
``correct``); every other question an essay question, its answer lines passed on as the
expected length of the answer. In the teacher edition the model answer goes with each
question as feedback (Moodle's general feedback and grader information, a QTI modal
feedback); the student edition leaves it out.

The formats as documented: GIFT and Moodle XML in Moodle's documentation ("GIFT format",
"Moodle XML format") and its GIFT importer (question/format/gift/format.php); QTI in IMS
Question and Test Interoperability 2.1 (assessmentItem, assessmentTest) and IMS Content
Packaging 1.1 (imsmanifest.xml).
"""

from __future__ import annotations

import io
import math
import zipfile
from xml.etree import ElementTree as ET

from ..render.quiz import QuizChapter, QuizItem, as_block

#: The ``--format`` choices of ``chapbook quiz``, with the file each writes after the slug.
QUIZ_FORMATS = {"gift": "-quiz.gift.txt", "moodle": "-quiz.moodle.xml", "qti": "-quiz.qti.zip"}

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def is_choice(item: QuizItem) -> bool:
    """A multiple-choice question: options and a right one. Options without a right answer
    are a discussion prompt, written as an essay question with the options in its text."""
    return bool(item.options) and item.correct is not None


def essay_text(item: QuizItem) -> str:
    """The question as an essay question shows it: its options, if any, listed below."""
    text = as_block(item.text)
    if item.options:
        text += "<ol>" + "".join(f"<li>{o}</li>" for o in item.options) + "</ol>"
    return text


# -- GIFT ----------------------------------------------------------------------------------

def _gift_escape(text: str) -> str:
    """Moodle's reserved characters escaped as its own exporter does (repchar)."""
    for char in ("\\", "#", "=", "~", "{", "}", ":"):
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def gift(title: str, chapters: list[QuizChapter]) -> str:
    """Every question as GIFT text: one category per chapter, one question per paragraph."""
    # a comment Moodle skips; the title alone, so it is in the booklet's language too
    lines = [f"// {_gift_comment(title)} · chapbook", ""]
    for chapter in chapters:
        lines += [f"$CATEGORY: $course$/top/{_gift_category(title)}/"
                  f"{_gift_category(chapter.title)}", ""]
        for item in chapter.items:
            head = f"::{_gift_escape(item.name)}::[html]"
            feedback = f"####{_gift_escape(item.feedback)}" if item.feedback else ""
            if is_choice(item):
                choices = " ".join(
                    ("=" if n == item.correct else "~") + _gift_escape(option)
                    for n, option in enumerate(item.options))
                lines.append(f"{head}{_gift_escape(item.text)} {{{choices}"
                             f"{' ' + feedback if feedback else ''}}}")
            else:
                lines.append(f"{head}{_gift_escape(essay_text(item))} {{{feedback}}}")
            lines.append("")
    return "\n".join(lines)


def _gift_comment(text: str) -> str:
    return " ".join(text.split())


def _gift_category(text: str) -> str:
    """A category name: '/' separates levels in Moodle, so it is replaced in a title."""
    return " ".join(text.replace("/", "-").split())


# -- Moodle XML ----------------------------------------------------------------------------

def moodle_lines(lines: int) -> int:
    """The essay box's height in Moodle: it offers 5 to 40 lines in steps of 5."""
    return min(40, max(5, 5 * math.ceil(lines / 5)))


def moodle_xml(title: str, chapters: list[QuizChapter]) -> bytes:
    """Every question as a Moodle XML quiz: a category question before each chapter's."""
    quiz = ET.Element("quiz")
    for chapter in chapters:
        category = ET.SubElement(quiz, "question", type="category")
        _text(ET.SubElement(category, "category"),
              f"$course$/top/{_gift_category(title)}/{_gift_category(chapter.title)}")
        for item in chapter.items:
            if is_choice(item):
                _moodle_choice(quiz, item)
            else:
                _moodle_essay(quiz, item)
    return _xml_bytes(quiz)


def _xml_bytes(root: ET.Element) -> bytes:
    """``root`` as an indented UTF-8 XML file with its declaration."""
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def _text(parent: ET.Element, text: str) -> ET.Element:
    ET.SubElement(parent, "text").text = text
    return parent


def _html(parent: ET.Element, tag: str, text: str) -> ET.Element:
    return _text(ET.SubElement(parent, tag, format="html"), text)


def _moodle_common(quiz: ET.Element, kind: str, item: QuizItem, text: str) -> ET.Element:
    question = ET.SubElement(quiz, "question", type=kind)
    _text(ET.SubElement(question, "name"), item.name)
    _html(question, "questiontext", text)
    _html(question, "generalfeedback", item.feedback)
    ET.SubElement(question, "defaultgrade").text = "1"
    ET.SubElement(question, "penalty").text = "0" if kind == "essay" else "0.3333333"
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = item.ident
    return question


def _moodle_essay(quiz: ET.Element, item: QuizItem) -> None:
    question = _moodle_common(quiz, "essay", item, essay_text(item))
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", str(moodle_lines(item.lines))),
                       ("attachments", "0"), ("attachmentsrequired", "0")):
        ET.SubElement(question, tag).text = value
    _html(question, "graderinfo", item.feedback)
    _html(question, "responsetemplate", "")


def _moodle_choice(quiz: ET.Element, item: QuizItem) -> None:
    question = _moodle_common(quiz, "multichoice", item, as_block(item.text))
    for tag, value in (("single", "true"), ("shuffleanswers", "true"),
                       ("answernumbering", "abc"), ("showstandardinstruction", "0")):
        ET.SubElement(question, tag).text = value
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _html(question, tag, "")
    for n, option in enumerate(item.options):
        answer = ET.SubElement(question, "answer", fraction="100" if n == item.correct else "0",
                               format="html")
        _text(answer, option)
        _html(answer, "feedback", "")


# -- IMS QTI 2.1 ---------------------------------------------------------------------------
# Element names carry no namespace: the files declare QTI's (and the manifest IMS CP's) as
# the default (``xmlns`` on the root), as QTI's own examples do and some platforms'
# importers expect.


def _append_xhtml(parent: ET.Element, xhtml: str) -> None:
    """Reduced XHTML (render/quiz.py) parsed into ``parent`` in the QTI namespace."""
    wrapper = ET.fromstring(f"<div>{xhtml}</div>")
    parent.text = (parent.text or "") + (wrapper.text or "")
    parent.extend(list(wrapper))


def qti_item(item: QuizItem, language: str, model_answer: str = "Model answer") -> ET.Element:
    """One question as a QTI 2.1 assessmentItem."""
    root = ET.Element("assessmentItem", {
        "xmlns": QTI_NS, f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
        "identifier": item.ident, "title": item.name, "adaptive": "false",
        "timeDependent": "false", f"{{{XML_NS}}}lang": language})
    choice = is_choice(item)
    response = ET.SubElement(root, "responseDeclaration", identifier="RESPONSE",
                             cardinality="single",
                             baseType="identifier" if choice else "string")
    if choice:
        correct = ET.SubElement(response, "correctResponse")
        ET.SubElement(correct, "value").text = f"choice-{(item.correct or 0) + 1}"
    score = ET.SubElement(root, "outcomeDeclaration", identifier="SCORE",
                          cardinality="single", baseType="float")
    ET.SubElement(ET.SubElement(score, "defaultValue"), "value").text = "0"
    if item.feedback:
        ET.SubElement(root, "outcomeDeclaration", identifier="FEEDBACK",
                      cardinality="single", baseType="identifier")
    body = ET.SubElement(root, "itemBody")
    if choice:
        _append_xhtml(body, as_block(item.text))
        interaction = ET.SubElement(body, "choiceInteraction",
                                    responseIdentifier="RESPONSE", shuffle="false",
                                    maxChoices="1")
        for n, option in enumerate(item.options, start=1):
            simple = ET.SubElement(interaction, "simpleChoice", identifier=f"choice-{n}")
            _append_xhtml(simple, option)
    else:
        _append_xhtml(body, essay_text(item))
        attributes = {"responseIdentifier": "RESPONSE"}
        if item.lines:
            attributes["expectedLines"] = str(item.lines)
        ET.SubElement(body, "extendedTextInteraction", attributes)
    if choice or item.feedback:
        processing = ET.SubElement(root, "responseProcessing")
        if choice:
            condition = ET.SubElement(processing, "responseCondition")
            when = ET.SubElement(condition, "responseIf")
            match = ET.SubElement(when, "match")
            ET.SubElement(match, "variable", identifier="RESPONSE")
            ET.SubElement(match, "correct", identifier="RESPONSE")
            _set_outcome(when, "SCORE", "float", "1")
        if item.feedback:
            _set_outcome(processing, "FEEDBACK", "identifier", "MODEL_ANSWER")
    if item.feedback:
        feedback = ET.SubElement(root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                                 showHide="show", identifier="MODEL_ANSWER",
                                 title=model_answer)
        _append_xhtml(feedback, item.feedback)
    return root


def _set_outcome(parent: ET.Element, name: str, base_type: str, value: str) -> None:
    outcome = ET.SubElement(parent, "setOutcomeValue", identifier=name)
    ET.SubElement(outcome, "baseValue", baseType=base_type).text = value


def qti_test(title: str, ident: str, chapters: list[QuizChapter]) -> ET.Element:
    """An assessmentTest with one section per chapter, referring to the item files."""
    root = ET.Element("assessmentTest", {
        "xmlns": QTI_NS, f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
        "identifier": ident, "title": title})
    part = ET.SubElement(root, "testPart", identifier="review-questions",
                         navigationMode="nonlinear", submissionMode="simultaneous")
    for chapter in chapters:
        section = ET.SubElement(part, "assessmentSection", identifier=chapter.ident,
                                title=chapter.title, visible="true")
        for item in chapter.items:
            ET.SubElement(section, "assessmentItemRef", identifier=item.ident,
                          href=_item_file(item))
    return root


def _item_file(item: QuizItem) -> str:
    return f"items/{item.ident}.xml"


def qti_manifest(ident: str, chapters: list[QuizChapter]) -> ET.Element:
    """The IMS Content Packaging manifest listing the test and every item as resources."""
    root = ET.Element("manifest", {
        "xmlns": CP_NS, f"{{{XSI_NS}}}schemaLocation": f"{CP_NS} {CP_XSD}",
        "identifier": f"{ident}-package"})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, "schemaversion").text = "1.0.0"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    test = ET.SubElement(resources, "resource", identifier=ident,
                         type="imsqti_test_xmlv2p1", href="assessment.xml")
    ET.SubElement(test, "file", href="assessment.xml")
    items = [item for chapter in chapters for item in chapter.items]
    for item in items:
        ET.SubElement(test, "dependency", identifierref=f"res-{item.ident}")
    for item in items:
        resource = ET.SubElement(resources, "resource", identifier=f"res-{item.ident}",
                                 type="imsqti_item_xmlv2p1", href=_item_file(item))
        ET.SubElement(resource, "file", href=_item_file(item))
    return root


def qti_package(title: str, ident: str, language: str, chapters: list[QuizChapter],
                model_answer: str = "Model answer") -> bytes:
    """The content package as zip bytes: imsmanifest.xml, assessment.xml, items/*.xml.

    The zip's entries carry a fixed date, so the same questions give the same bytes."""
    ET.register_namespace("xsi", XSI_NS)
    files = {"imsmanifest.xml": _xml_bytes(qti_manifest(ident, chapters)),
             "assessment.xml": _xml_bytes(qti_test(title, ident, chapters))}
    for chapter in chapters:
        for item in chapter.items:
            files[_item_file(item)] = _xml_bytes(qti_item(item, language, model_answer))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def quiz_bytes(fmt: str, title: str, ident: str, language: str,
               chapters: list[QuizChapter], model_answer: str = "Model answer") -> bytes:
    """The quiz file of ``fmt`` (a key of :data:`QUIZ_FORMATS`); ``model_answer`` titles
    the QTI feedback, in the booklet's language."""
    if fmt == "gift":
        return gift(title, chapters).encode("utf-8")
    if fmt == "moodle":
        return moodle_xml(title, chapters)
    return qti_package(title, ident, language, chapters, model_answer)

