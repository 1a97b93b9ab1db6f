"""The workspace's codebook requests (see :mod:`qualcode.workspace.edit`): the codebook with
the answers each code has as they stand, a preview of an edit, saving it, undoing it, and the
codes a codebook file (discover's suggested_codebook.yaml) could add."""
import json

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

from qualcode.codebook.code import CODE_FIELDS
from qualcode.errors import InputError
from qualcode.workspace.edit import standing, standing_counts
from qualcode.workspace.views import progress_view

ANSWERS_LISTED = 500


def codebook_panel(workspace):
    """The codebook for the codebook view: every code with its fields and, for the active
    ones, the answers that have it as they stand; the version, the file, what undo would undo."""
    project, editor = workspace.project, workspace.editor
    seen = workspace.coder if workspace.blind else None       # blind: no counts from the others' decisions
    counts = standing_counts(project, seen)
    flagged = flagged_counts(project, [workspace.coder] if workspace.blind else project.decisions.coders)
    entry = project.codebook_versions[-1]
    codes = [{**{name: getattr(code, name) for name in CODE_FIELDS}, "count": counts.get(code.id),
              "flagged": flagged.get(code.id, 0)} for code in project.codebook.codes]
    view = {"version": project.codebook_version, "codes": codes, "editable": editor is not None, "file": None,
            "undo": entry["changes"].get("edit"), "problem": None}
    if editor is None:
        view["problem"] = "this workspace was started without a way to code again; codebook edits are off"
        return view
    try:
        view["file"] = str(editor.path)
    except InputError as error:
        view["editable"], view["problem"] = False, str(error)
    return view


def flagged_counts(project, coders):
    """``{code: decisions in force of ``coders`` made under another definition of the code}``."""
    counts = {}
    state = project.decisions
    for coder in coders:
        for position in state.reviewed(coder):
            for code in project.flagged(state.of(coder, position)):
                counts[code] = counts.get(code, 0) + 1
    return counts


def codebook_routes(workspace):
    """The Starlette routes of the codebook view, for :func:`qualcode.workspace.server.create_app`."""
    project = workspace.project

    def editor():
        if workspace.editor is None:
            raise InputError("codebook edits need the workspace started by 'qualcode review' (it codes again)")
        return workspace.editor

    async def body(request):
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            raise InputError("the request body is not JSON") from None
        if not isinstance(data, dict):
            raise InputError("the request body must be a JSON object")
        return data

    def after_change():
        workspace.forget_orders()
        return {"codebook": codebook_panel(workspace), "state": workspace.state(),
                "progress": progress_view(project, workspace.coder)}

    async def panel(request):
        project.refresh()
        if workspace.editor is not None:
            workspace.editor.warm_up()
        return _json(codebook_panel(workspace))

    async def answers(request):
        code = request.query_params.get("code") or ""
        if code not in project.code_ids:
            raise InputError(f"code {code!r}: not an active code of the codebook")
        project.refresh()
        has = standing(project, project.code_ids, project.suggested, project.decisions,
                       coder=workspace.coder if workspace.blind else None)[code]
        positions = has.nonzero()[0][:ANSWERS_LISTED]
        return _json({"items": [{"answer": int(p), "id": project.ids[p], "text": project.texts[p]} for p in positions],
                      "count": int(has.sum())})

    async def preview(request):
        change = await body(request)
        proposal = editor().propose(change)
        return _json(await run_in_threadpool(editor().preview, proposal, workspace.coder if workspace.blind else None))

    async def save(request):
        change = await body(request)
        proposal = editor().propose(change)
        version = await run_in_threadpool(editor().save, proposal, workspace.coder)
        return _json({"version": version, **after_change()})

    async def undo(request):
        version = await run_in_threadpool(editor().undo, workspace.coder)
        return _json({"version": version, **after_change()})

    async def candidates(request):
        data = await body(request)
        return _json({"codes": editor().candidates(data.get("yaml"), str(data.get("name") or "imported.yaml"))})

    return [
        Route("/api/codebook", panel),
        Route("/api/codebook/answers", answers),
        Route("/api/codebook/preview", preview, methods=["POST"]),
        Route("/api/codebook/save", save, methods=["POST"]),
        Route("/api/codebook/undo", undo, methods=["POST"]),
        Route("/api/codebook/candidates", candidates, methods=["POST"]),
    ]


def _json(data):
    return JSONResponse(data)
