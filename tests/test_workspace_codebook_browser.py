"""The codebook view in a real headless Chromium (Debian's, driven by Playwright): an edit made
with keys changes the counts shown and the YAML on disk and undo restores both; a merge and a
split made with the mouse; bad input (an empty label, a duplicate id, invalid YAML to import)
as one line on the screen.

Set QUALCODE_SCREENSHOTS=DIR to keep a screenshot of each screen there (for checking by eye).
"""
import shutil

import pytest

from qualcode.api import coding_plan
from qualcode.codebook import load_codebook
from qualcode.workspace import Project
from qualcode.workspace.edit import CodebookEditor, standing_counts
from qualcode.workspace.server import Workspace
from workspace_support import CODEBOOK, ServedWorkspace, project_copy


@pytest.fixture
def served(tmp_path):
    """(page factory, project, codebook file) for a workspace whose codebook can be edited."""
    codebook = tmp_path / "codebook.yaml"
    shutil.copyfile(CODEBOOK, codebook)
    with Project(project_copy(tmp_path)) as project:
        workspace = Workspace(project, "anna", editor=CodebookEditor(project, coding_plan, codebook))
        with ServedWorkspace(workspace) as url:
            yield url, project, codebook


def open_page(browser, url):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return page, errors


def shown_count(page, code):
    return int(page.inner_text(f'#cb-codes tr[data-code="{code}"] td.count'))


def test_an_edit_with_keys_changes_the_counts_and_the_file_and_undo_restores_both(browser, served, screenshots):
    url, project, codebook = served
    original = codebook.read_bytes()
    page, errors = open_page(browser, url)
    page.keyboard.press("c")
    page.wait_for_selector('#cb-codes tr[data-code="competence"]')
    before = shown_count(page, "competence")
    assert before == standing_counts(project)["competence"]
    page.keyboard.press("2")                                   # the 2nd code: competence
    page.wait_for_function("() => document.activeElement.name === 'label'")
    for _ in range(4):
        page.keyboard.press("Tab")                             # description, include, exclude, keywords
    assert page.evaluate("document.activeElement.name") == "keywords"
    page.keyboard.press("End")
    page.keyboard.type(", lära, digital")
    page.wait_for_selector('#cb-counts tr.changed[data-code="competence"]')   # the live preview
    after = int(page.inner_text('#cb-counts tr[data-code="competence"] td.after'))
    assert int(page.inner_text('#cb-counts tr[data-code="competence"] td.before')) == before and after > before
    assert page.locator(".cb-answers.gained li").count() == after - before
    page.screenshot(path=screenshots / "codebook-preview.png", full_page=True)
    assert codebook.read_bytes() == original                  # a preview saves nothing
    for _ in range(4):
        page.keyboard.press("Tab")                             # exclusions, examples, Preview, Save
    assert page.evaluate("document.activeElement.id") == "cb-save"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => Number(document.querySelector('#cb-codes tr[data-code=\"competence\"] td.count')"
                           f".textContent) === {after}")
    assert load_codebook(codebook)["competence"].keywords[-2:] == ("lära", "digital")
    assert project.codebook_version == 2 and page.inner_text("#cb-version") == "version 2"
    page.screenshot(path=screenshots / "codebook-saved.png", full_page=True)
    page.keyboard.press("u")
    page.wait_for_function(f"() => Number(document.querySelector('#cb-codes tr[data-code=\"competence\"] td.count')"
                           f".textContent) === {before}")
    assert codebook.read_bytes() == original and project.codebook_version == 1
    page.keyboard.press("Escape")                              # back to review, on the codebook as it stands
    page.wait_for_selector("#card .chip")
    assert errors == []


def test_a_merge_with_the_mouse_and_bad_input_shown_as_one_line(browser, served, screenshots, tmp_path):
    url, project, codebook = served
    page, errors = open_page(browser, url)
    page.click('#views button[data-view="codebook"]')
    page.wait_for_selector('#cb-codes tr[data-code="efficiency"]')
    page.click('.cb-edit[data-code="culture"]')
    page.fill('#cb-form [name="label"]', "")
    page.click("#cb-preview-button")
    page.wait_for_selector("#cb-error:not([hidden])")
    assert page.inner_text("#cb-error").endswith("code 'culture' needs a non-empty 'label'; write it as text")
    assert "\n" not in page.inner_text("#cb-error")
    page.click("#cb-new")
    page.fill('#cb-form [name="id"]', "competence")
    page.fill('#cb-form [name="label"]', "Kunnande")
    page.fill('#cb-form [name="description"]', "Samma id som en annan kod.")
    page.click("#cb-save")
    page.wait_for_function("() => document.querySelector('#cb-error').textContent.includes('duplicate id')")
    assert page.inner_text("#cb-error").endswith("duplicate id 'competence' (first used at code 2); give each code "
                                                 "its own id")
    broken = tmp_path / "suggested_codebook.yaml"
    broken.write_text("name: [oavslutad\ncodes:\n", encoding="utf-8")
    page.set_input_files("#cb-import", str(broken))
    page.wait_for_function("() => document.querySelector('#cb-error').textContent.includes('not valid YAML')")
    assert page.inner_text("#cb-error").startswith("suggested_codebook.yaml: line 2: not valid YAML")

    resources, efficiency = shown_count(page, "resources"), shown_count(page, "efficiency")
    page.click("#cb-merge")
    page.select_option('#cb-form [name="keep"]', "resources")
    page.select_option('#cb-form [name="absorb"]', "efficiency")
    page.click("#cb-preview-button")
    page.wait_for_selector('#cb-counts tr[data-code="efficiency"]')
    assert page.inner_text('#cb-counts tr[data-code="efficiency"] td.after') == "0"
    merged = int(page.inner_text('#cb-counts tr[data-code="resources"] td.after'))
    assert merged >= max(resources, efficiency)
    page.screenshot(path=screenshots / "codebook-merge.png", full_page=True)
    page.click("#cb-save")
    page.wait_for_function("() => !document.querySelector('#cb-codes tr[data-code=\"efficiency\"]')")
    assert shown_count(page, "resources") == merged and page.locator("#cb-error").is_hidden()
    assert "efficiency" not in load_codebook(codebook) and "efficiency" not in project.code_ids
    assert errors == []


def test_codebook_text_is_shown_as_text(browser, tmp_path):
    from workspace_support import SCRIPT

    with Project(project_copy(tmp_path, "mixed")) as project:
        workspace = Workspace(project, "anna", editor=CodebookEditor(project, coding_plan))
        with ServedWorkspace(workspace) as url:
            page, errors = open_page(browser, url)
            page.keyboard.press("c")
            page.wait_for_selector('#cb-codes tr[data-code="resources"]')
            assert 'onerror="window.injected=3"' in page.inner_text('#cb-codes tr[data-code="resources"]')
            page.keyboard.press("1")
            page.wait_for_selector('#cb-form [name="description"]')
            assert SCRIPT in page.input_value('#cb-form [name="description"]')
            assert page.evaluate("window.injected") is None and errors == []


def test_a_split_moves_the_ticked_answers_to_a_new_code(browser, served):
    url, project, codebook = served
    page, errors = open_page(browser, url)
    page.keyboard.press("c")
    page.wait_for_selector('#cb-codes tr[data-code="leadership"]')
    leadership = shown_count(page, "leadership")
    page.keyboard.press("s")
    page.select_option('#cb-form [name="split-code"]', "leadership")
    page.wait_for_function("() => document.querySelectorAll('#cb-split-answers input').length === "
                           f"{leadership}")
    boxes = page.locator("#cb-split-answers input")
    chosen = [int(boxes.nth(n).get_attribute("value")) for n in (0, 2)]
    for n in (0, 2):
        boxes.nth(n).check()
    page.fill('#cb-form [name="id"]', "steering")
    page.fill('#cb-form [name="label"]', "Styrning")
    page.fill('#cb-form [name="description"]', "Politisk styrning och mål för digitaliseringen.")
    page.click("#cb-preview-button")
    page.wait_for_selector('#cb-counts tr[data-code="steering"]')
    assert page.inner_text('#cb-counts tr[data-code="leadership"] td.after') == str(leadership - 2)
    page.click("#cb-save")
    page.wait_for_selector('#cb-codes tr[data-code="steering"]')
    assert shown_count(page, "leadership") == leadership - 2 and shown_count(page, "steering") >= 2
    assert "steering" in load_codebook(codebook)
    assert all(project.codes_for(p).count("steering") == 1 and "leadership" not in project.codes_for(p)
               for p in chosen)
    assert errors == []
