"""``chapbook quiz``: the review questions in GIFT, Moodle XML and an IMS QTI 2.1 package.

Each format is read back here as its importer reads it: GIFT by a parser that follows
Moodle's own (question/format/gift/format.php: escapes, ``::name::``, ``[html]``, the answer
block, ``####`` general feedback, ``~``/``=`` choices); Moodle XML against the elements and
values of Moodle's "Moodle XML format" for essay and multichoice questions; the QTI package
against the content model of IMS QTI 2.1 and IMS CP 1.1 for the elements it uses (the IMS XSD
itself is not shipped by any package this project can install; see docs/quiz.md).
"""

from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, prepare, write_quiz

REPO = Path(__file__).resolve().parent.parent
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def booklet_questions(root: Path, answers: bool = False) -> list[str]:
    """The text of every review question of a booklet (or its model answer), in order, as
    its HTML edition prints it (citations formatted)."""
    from chapbook.render.html import BookRenderer
    from chapbook.render.markdown_html import RenderOptions

    book = prepare(root, BuildOptions(), Diagnostics())
    renderer = BookRenderer(book, RenderOptions(teacher=answers, medium="screen"),
                            book.config.style)
    return [renderer.html(q.answer if answers else q.text)
            for chapter in book.chapters for q in chapter.questions]


def words(html: str) -> str:
    """Text without tags, entities or Markdown emphasis, spaces collapsed: to compare a
    question as exported with the Markdown it was written in."""
    text = unescape(re.sub(r"<[^>]+>", "", html))
    text = re.sub(r"[*_]", "", text).replace("\\", "")
    text = text.translate(str.maketrans("‘’“”", "''\"\""))  # the typographer's quotes
    return " ".join(text.split())


def quiz(root: Path, fmt: str, edition: str = "student", tmp: Path | None = None) -> Path:
    result = write_quiz(root, BuildOptions(edition=edition, output=tmp), fmt)
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    (path,) = result.outputs
    return path


# -- a GIFT reader after Moodle's ------------------------------------------------------------

_ESCAPES = {"\\\\": "\0bs", "\\:": "\0colon", "\\#": "\0hash", "\\=": "\0eq",
            "\\{": "\0lb", "\\}": "\0rb", "\\~": "\0tilde", "\\n": "\0nl"}
_UNESCAPED = {"\0bs": "\\", "\0colon": ":", "\0hash": "#", "\0eq": "=", "\0lb": "{",
              "\0rb": "}", "\0tilde": "~", "\0nl": "\n"}


def _pre(text: str) -> str:
    for escaped, mark in _ESCAPES.items():
        text = text.replace(escaped, mark)
    return text


def _post(text: str) -> str:
    for mark, char in _UNESCAPED.items():
        text = text.replace(mark, char)
    return text


def parse_gift(text: str) -> list[dict]:
    """Questions as Moodle's GIFT importer splits and reads them."""
    questions = []
    category = ""
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("//")]
        if not lines:
            continue
        body = "\n".join(lines).strip()
        if body.startswith("$CATEGORY:"):
            category = body.removeprefix("$CATEGORY:").strip()
            continue
        body = _pre(body)
        name = None
        if body.startswith("::"):
            end = body.index("::", 2)
            name, body = body[2:end], body[end + 2:].strip()
        start, finish = body.find("{"), body.find("}")
        assert 0 <= start < finish, f"no answer block: {body[:80]}"
        assert body[finish + 1:].strip() == "", "text after the answer block"
        answer = body[start + 1:finish].strip()
        question_text = body[:start].strip()
        fmt = "moodle"
        match = re.match(r"^\[(html|plain|markdown|moodle)\]", question_text)
        if match:
            fmt, question_text = match[1], question_text[match.end():]
        feedback = ""
        if "####" in answer:
            answer, feedback = answer[:answer.rindex("####")].strip(), \
                answer[answer.rindex("####") + 4:]
        if answer == "":
            kind, choices = "essay", []
        elif "~" in answer:
            kind = "multichoice"
            choices = [(c.startswith("="), _post(c.removeprefix("=").strip()))
                       for c in answer.replace("=", "~=").split("~") if c.strip()]
        else:
            raise AssertionError(f"unexpected answer block {answer!r}")
        questions.append({"name": _post(name or ""), "format": fmt, "text": _post(question_text),
                          "kind": kind, "choices": choices, "feedback": _post(feedback),
                          "category": category})
    return questions


# -- the booklet's questions, every format ---------------------------------------------------

@pytest.fixture(scope="module")
def booklet_quizzes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("quiz")
    return {(fmt, edition): quiz(REPO, fmt, edition, out / edition)
            for fmt in ("gift", "moodle", "qti") for edition in ("student", "teacher")}


def test_gift_holds_every_question_of_the_booklet(booklet_quizzes):
    expected = booklet_questions(REPO)
    assert len(expected) > 20
    for edition in ("student", "teacher"):
        parsed = parse_gift(booklet_quizzes["gift", edition].read_text(encoding="utf-8"))
        assert [words(q["text"]) for q in parsed] == [words(t) for t in expected]
        assert {q["kind"] for q in parsed} == {"essay"}
        assert all(q["format"] == "html" and q["name"] for q in parsed)
        assert all(q["category"].startswith("$course$/top/The Stakhanovite Movement/")
                   for q in parsed)
        with_feedback = [q for q in parsed if q["feedback"]]
        if edition == "student":
            assert not with_feedback
        else:
            assert len(with_feedback) == len(parsed)  # every question has a model answer
    teacher = parse_gift(booklet_quizzes["gift", "teacher"].read_text(encoding="utf-8"))
    # Every model answer comes back whole through Moodle's escapes (colons, citations).
    answers = [words(a) for a in booklet_questions(REPO, answers=True)]
    assert [words(q["feedback"]) for q in teacher] == answers
    assert any(":" in a for a in answers) and any(re.search(r"\(\D+ \d{4}", a) for a in answers)


def test_moodle_xml_holds_every_question_of_the_booklet(booklet_quizzes):
    expected = booklet_questions(REPO)
    for edition in ("student", "teacher"):
        root = ET.parse(booklet_quizzes["moodle", edition]).getroot()
        questions = moodle_questions(root)
        assert [words(q.findtext("questiontext/text") or "") for q in questions] == \
            [words(t) for t in expected]
        for question in questions:
            assert question.get("type") == "essay"
            feedback = question.findtext("graderinfo/text") or ""
            assert bool(feedback) == (edition == "teacher")
            assert (question.findtext("generalfeedback/text") or "") == feedback


ESSAY_ELEMENTS = ["name", "questiontext", "generalfeedback", "defaultgrade", "penalty",
                  "hidden", "idnumber", "responseformat", "responserequired",
                  "responsefieldlines", "attachments", "attachmentsrequired", "graderinfo",
                  "responsetemplate"]
CHOICE_ELEMENTS = ["name", "questiontext", "generalfeedback", "defaultgrade", "penalty",
                   "hidden", "idnumber", "single", "shuffleanswers", "answernumbering",
                   "showstandardinstruction", "correctfeedback", "partiallycorrectfeedback",
                   "incorrectfeedback"]


def moodle_questions(root: ET.Element) -> list[ET.Element]:
    """The questions of a Moodle XML quiz after checking its structure as Moodle's
    importer (question/format/xml/format.php) reads it."""
    assert root.tag == "quiz"
    questions = []
    category_seen = False
    for question in root:
        assert question.tag == "question"
        kind = question.get("type")
        if kind == "category":
            assert (question.findtext("category/text") or "").startswith("$course$/top/")
            category_seen = True
            continue
        assert category_seen, "a question before any category"
        expected = ESSAY_ELEMENTS if kind == "essay" else CHOICE_ELEMENTS
        assert kind in ("essay", "multichoice")
        tags = [child.tag for child in question if child.tag != "answer"]
        assert tags == expected
        for tag in ("questiontext", "generalfeedback"):
            assert question.find(tag).get("format") == "html"
            # The HTML is well-formed, so Moodle's editor gets what was meant.
            ET.fromstring(f"<div>{question.findtext(f'{tag}/text') or ''}</div>")
        assert NCNAME.match(question.findtext("idnumber") or "")
        if kind == "essay":
            assert question.findtext("responsefieldlines") in {str(n) for n in
                                                               range(5, 41, 5)}
            assert not question.findall("answer")
        else:
            answers = question.findall("answer")
            assert len(answers) >= 2
            assert sum(float(a.get("fraction") or 0) for a in answers) == 100
            assert question.findtext("single") == "true"
        questions.append(question)
    return questions


def test_qti_package_holds_every_question_and_follows_qti_2_1(booklet_quizzes):
    expected = booklet_questions(REPO)
    for edition in ("student", "teacher"):
        items = qti_items(booklet_quizzes["qti", edition])
        assert [words(qti_question_text(item)) for item in items] == \
            [words(t) for t in expected]
        for item in items:
            feedback = item.findall(f"{QTI}modalFeedback")
            assert len(feedback) == (1 if edition == "teacher" else 0)
            interaction = item.find(f"{QTI}itemBody/{QTI}extendedTextInteraction")
            assert interaction is not None
            assert int(interaction.get("expectedLines") or 0) > 0


#: The children of assessmentItem in the order QTI 2.1's schema requires (those used here).
ITEM_ORDER = ["responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing",
              "modalFeedback"]
#: The XHTML elements QTI 2.1 allows in itemBody, choices and feedback (those used here).
QTI_CONTENT = {"p", "em", "strong", "sub", "sup", "q", "cite", "code", "ul", "ol", "li",
               "blockquote", "br", "div", "span"}
QTI_INTERACTIONS = {"extendedTextInteraction", "choiceInteraction"}


def qti_items(package: Path) -> list[ET.Element]:
    """The package's items in the test's order, after checking the manifest, the test and
    each item against QTI 2.1's and IMS CP's rules for the elements they use."""
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        files = {name: ET.fromstring(archive.read(name)) for name in names}
    manifest = files["imsmanifest.xml"]
    assert manifest.tag == f"{CP}manifest"
    assert manifest.findtext(f"{CP}metadata/{CP}schema") == "QTIv2.1 Package"
    assert [c.tag for c in manifest] == [f"{CP}metadata", f"{CP}organizations",
                                         f"{CP}resources"]
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    ids = [r.get("identifier") for r in resources]
    assert len(set(ids)) == len(ids) and all(NCNAME.match(i or "") for i in ids)
    for resource in resources:
        assert resource.get("type") in ("imsqti_test_xmlv2p1", "imsqti_item_xmlv2p1")
        assert resource.get("href") in names
        assert [f.get("href") for f in resource.findall(f"{CP}file")] == [resource.get("href")]
        for dependency in resource.findall(f"{CP}dependency"):
            assert dependency.get("identifierref") in ids
    (test_resource,) = [r for r in resources if r.get("type") == "imsqti_test_xmlv2p1"]
    test = files[test_resource.get("href") or ""]
    assert test.tag == f"{QTI}assessmentTest"
    (part,) = test.findall(f"{QTI}testPart")
    assert part.get("navigationMode") in ("linear", "nonlinear")
    assert part.get("submissionMode") in ("individual", "simultaneous")
    items = []
    for section in part.findall(f"{QTI}assessmentSection"):
        assert section.get("title") and section.get("visible") in ("true", "false")
        for ref in section.findall(f"{QTI}assessmentItemRef"):
            item = files[ref.get("href") or ""]
            assert item.get("identifier") == ref.get("identifier")
            check_qti_item(item)
            items.append(item)
    assert len(items) == len(resources) - 1
    return items


def check_qti_item(item: ET.Element) -> None:
    assert item.tag == f"{QTI}assessmentItem"
    for attribute in ("identifier", "title", "adaptive", "timeDependent"):
        assert item.get(attribute), attribute
    assert NCNAME.match(item.get("identifier") or "")
    order = [child.tag.removeprefix(QTI) for child in item]
    assert order == sorted(order, key=ITEM_ORDER.index), order
    declared = {d.get("identifier"): d for d in item
                if d.tag in (f"{QTI}responseDeclaration", f"{QTI}outcomeDeclaration")}
    for declaration in declared.values():
        assert declaration.get("cardinality") == "single"
        assert declaration.get("baseType") in ("string", "identifier", "float")
    body = item.find(f"{QTI}itemBody")
    assert body is not None
    interactions = [e for e in body.iter() if e.tag.removeprefix(QTI) in QTI_INTERACTIONS]
    assert len(interactions) == 1
    (interaction,) = interactions
    assert interaction.get("responseIdentifier") in declared
    for element in body.iter():
        name = element.tag.removeprefix(QTI)
        if element is body or name in QTI_INTERACTIONS or name in ("simpleChoice", "prompt"):
            continue
        assert name in QTI_CONTENT, name
        assert set(element.attrib) <= {"id", "class", "label"}
    # Text directly in itemBody is not allowed: only block content.
    assert not (body.text or "").strip()
    for feedback in item.findall(f"{QTI}modalFeedback"):
        assert feedback.get("outcomeIdentifier") in declared
        assert feedback.get("showHide") in ("show", "hide")
        set_values = [e.findtext(f"{QTI}baseValue") for e in
                      item.iter(f"{QTI}setOutcomeValue")
                      if e.get("identifier") == feedback.get("outcomeIdentifier")]
        assert feedback.get("identifier") in set_values
    if interaction.tag == f"{QTI}choiceInteraction":
        response = declared[interaction.get("responseIdentifier")]
        choices = [c.get("identifier") for c in interaction.findall(f"{QTI}simpleChoice")]
        assert len(choices) >= 2 and all(NCNAME.match(c or "") for c in choices)
        assert response.findtext(f"{QTI}correctResponse/{QTI}value") in choices
        assert int(interaction.get("maxChoices") or 0) == 1


def qti_question_text(item: ET.Element) -> str:
    body = item.find(f"{QTI}itemBody")
    assert body is not None
    first = body.find(f"{QTI}p")
    assert first is not None
    return ET.tostring(first, encoding="unicode")


def test_the_german_example_booklet_gives_every_question(tmp_path: Path):
    root = REPO / "examples" / "photosynthese"
    expected = [words(t) for t in booklet_questions(root)]
    assert expected
    gift = parse_gift(quiz(root, "gift", "teacher", tmp_path).read_text(encoding="utf-8"))
    assert [words(q["text"]) for q in gift] == expected
    xml = moodle_questions(ET.parse(quiz(root, "moodle", "teacher", tmp_path)).getroot())
    assert [words(q.findtext("questiontext/text") or "") for q in xml] == expected
    items = qti_items(quiz(root, "qti", "teacher", tmp_path))
    assert [words(qti_question_text(i)) for i in items] == expected
    assert {i.get("{http://www.w3.org/XML/1998/namespace}lang") for i in items} == {"de"}


# -- a question with options ----------------------------------------------------------------

CHOICE = """\
  - q: In which year did the record shift take place?
    options: ["1930", "1935", "1941"]
    correct: 2
    answer: "In 1935: on the night of 30 to 31 August."
"""


@pytest.fixture
def choice_project(mini_project: Path) -> Path:
    chapter = mini_project / "chapters" / "02-second.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("questions:\n", "questions:\n" + CHOICE, 1),
                       encoding="utf-8")
    return mini_project


def test_a_question_with_options_is_multiple_choice_in_every_format(choice_project):
    gift = parse_gift(quiz(choice_project, "gift", "teacher").read_text(encoding="utf-8"))
    (choice,) = [q for q in gift if q["kind"] == "multichoice"]
    assert choice["choices"] == [(False, "1930"), (True, "1935"), (False, "1941")]
    assert "30 to 31 August" in choice["feedback"]

    xml = moodle_questions(ET.parse(quiz(choice_project, "moodle", "teacher")).getroot())
    (choice_xml,) = [q for q in xml if q.get("type") == "multichoice"]
    assert [(a.get("fraction"), a.findtext("text")) for a in choice_xml.findall("answer")] == \
        [("0", "1930"), ("100", "1935"), ("0", "1941")]

    items = qti_items(quiz(choice_project, "qti", "teacher"))
    (choice_item,) = [i for i in items if i.find(f"{QTI}itemBody/{QTI}choiceInteraction")
                      is not None]
    assert choice_item.findtext(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value") \
        == "choice-2"
    assert len(items) == len(gift) == len(xml) == 4


def test_options_print_in_the_booklet_and_a_wrong_correct_is_an_error(choice_project):
    from chapbook.render.html import BookRenderer
    from chapbook.render.markdown_html import RenderOptions

    book = prepare(choice_project, BuildOptions(), Diagnostics())
    html = BookRenderer(book, RenderOptions(teacher=True, medium="print"), "apa"
                        ).render_document(("body",))
    assert '<ol class="options"><li>1930</li><li class="correct">1935</li><li>1941</li></ol>' \
        in html
    chapter = choice_project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("correct: 2", "correct: 4"),
                       encoding="utf-8")
    diagnostics = Diagnostics()
    prepare(choice_project, BuildOptions(), diagnostics)
    (error,) = diagnostics.errors
    assert error.file == "chapters/02-second.md" and error.line == 7
    assert "from 1 to 3" in error.message


def test_quiz_command_writes_each_format_under_its_own_name(mini_project):
    from typer.testing import CliRunner

    from chapbook.cli import app

    runner = CliRunner()
    names = []
    for fmt in ("gift", "moodle", "qti"):
        result = runner.invoke(app, ["quiz", str(mini_project), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "3 questions from 2 chapters" in result.output
        names.append(sorted(p.name for p in (mini_project / "build").iterdir()))
    assert names[-1] == ["mini-quiz.gift.txt", "mini-quiz.moodle.xml", "mini-quiz.qti.zip"]
