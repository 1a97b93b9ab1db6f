"""The workspace server: a small Starlette app over a :class:`~qualcode.workspace.Project`,
served by uvicorn on 127.0.0.1 only.

Every request must carry the random token printed with the URL (query ``token=`` or header
``X-Qualcode-Token``): without it the answer is 401, with a wrong one 403, as it is for a
``Host`` other than the loopback address (DNS rebinding). The page allows only its own scripts
and styles (Content-Security-Policy), and builds every answer and codebook text as DOM text.
Each decision is committed to the project file before its request returns.

Why Starlette + uvicorn (measured against the standard library's ``ThreadingHTTPServer``):
both answer a 1 kB JSON request on loopback in well under a millisecond (median 0.23-0.58 ms
against 0.11-0.20 ms), so speed does not decide; Starlette brings routing, static files, a
test client and a thread pool for blocking work with two small dependencies (anyio, h11 via
uvicorn), where the standard library would need all of it written by hand (its first version
here answered in 44 ms: Nagle's algorithm on the separately written headers).
"""
import hmac
import json
import math
import secrets
import socket
import threading
import webbrowser
from collections import OrderedDict
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from qualcode.errors import InputError, QualcodeError
from qualcode.workspace.edit_routes import codebook_routes
from qualcode.workspace.order import Filters, ordering
from qualcode.workspace.schema import ProjectLocked
from qualcode.workspace.similarity import similar_answers
from qualcode.workspace.views import (answer_view, changes_view, codebook_view, filters_view, learning_view,
                                      progress_view, recent_view)

LOOPBACK = "127.0.0.1"
STATIC = Path(__file__).with_name("static")
TOKEN_HEADER = b"x-qualcode-token"
ORDERINGS_KEPT = 16
PAGE = 20
DEFAULT_ORDER = "informative"
SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
]


class Workspace:
    """One analyst's session on a project: who decides (``coder``), whether the other coders'
    decisions are hidden (``blind``), the orders read so far, and the ``editor``
    (:class:`~qualcode.workspace.edit.CodebookEditor`) that saves codebook edits."""

    def __init__(self, project, coder, blind=False, learn_every=None, editor=None):
        self.project = project
        self.coder = coder
        self.blind = blind
        self.learner = project.learner(learn_every) if learn_every and project.write else None
        self.editor = editor          # a CodebookEditor: codebook edits (None: not offered)
        self._orderings = OrderedDict()
        self._lock = threading.Lock()

    def prepare(self):
        """Compute the first screen's order ahead (in a background thread while the server starts)."""
        self.ordering(DEFAULT_ORDER, Filters()).take(self.project, self.coder, 0, PAGE)

    def ordering(self, order, filters):
        key = (order, filters, self.project.model_version)    # a retrain orders the answers again
        with self._lock:
            if key not in self._orderings:
                self._orderings[key] = ordering(self.project, order, filters, self.coder)
                while len(self._orderings) > ORDERINGS_KEPT:
                    self._orderings.popitem(last=False)
            self._orderings.move_to_end(key)
            return self._orderings[key]

    def forget_orders(self):
        """Drop the orders computed so far (after the codebook, and so the suggestions, changed)."""
        with self._lock:
            self._orderings.clear()

    def view(self, position, verify=None):
        return answer_view(self.project, position, self.coder, self.blind, verify)

    def state(self):
        project = self.project
        codebook = project.codebook
        return {
            "coder": self.coder, "blind": self.blind,
            "project": project.path.name, "answers": len(project),
            "codebook": {"name": codebook.name, "label": None if codebook.version is None else str(codebook.version),
                         "version": project.codebook_version},
            "codes": codebook_view(project), "filters": filters_view(project),
            "changes": changes_view(project), "progress": progress_view(project, self.coder),
        }


# -- requests -------------------------------------------------------------------------------
def _filters(params):
    return Filters(question=params.get("question") or None, group=params.get("group") or None,
                   value=params.get("value") or None, code=params.get("code") or None,
                   status=params.get("status") or "unreviewed", verify=params.get("verify") or None)


def _integer(value, name, default=None):
    if value in (None, ""):
        if default is None:
            raise InputError(f"{name}: missing")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(f"{name}: not a whole number: {value!r}") from None


async def _body(request):
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def _position(workspace, value):
    position = _integer(value, "answer")
    if not 0 <= position < len(workspace.project):
        raise InputError(f"answer {position}: no such answer")
    return position


def _codes(body):
    codes = body.get("codes", [])
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise InputError("codes: a list of code ids")
    return codes


def _context(body):
    elapsed = body.get("elapsed")
    return {"elapsed": float(elapsed) if isinstance(elapsed, (int, float)) and math.isfinite(elapsed) else None,
            "ordering": str(body["ordering"])[:40] if body.get("ordering") else None,
            "session": str(body["session"])[:80] if body.get("session") else None,
            "client": str(body["client"])[:80] if body.get("client") else None}


def _json(data, status=200):
    return JSONResponse(_finite(data), status_code=status)


def _finite(value):
    """``value`` with NaN and infinities as None (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def create_app(workspace, token, port=None):
    """The ASGI app of ``workspace``, guarded by ``token``; with ``port``, only requests for
    ``127.0.0.1:port`` or ``localhost:port`` are answered."""
    project = workspace.project

    def fresh(handler):
        async def endpoint(request):
            project.refresh()
            return await handler(request)
        return endpoint

    async def index(request):
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        title = f"{project.codebook.name} · {project.path.name}"
        return HTMLResponse(page.replace("{{token}}", escape(token)).replace("{{title}}", escape(title)))

    async def state(request):
        return _json(workspace.state())

    async def queue(request):
        params = request.query_params
        filters = _filters(params)
        order = params.get("order") or DEFAULT_ORDER
        offset = _integer(params.get("offset"), "offset", 0)
        n = min(_integer(params.get("n"), "n", PAGE), 200)
        exclude = [int(p) for p in params.get("exclude", "").split(",") if p.strip().isdigit()]
        model = project.model_version
        if _integer(params.get("model"), "model", model) != model:   # paged in an order a retrain replaced
            offset = 0
        items, after = workspace.ordering(order, filters).take(project, workspace.coder, offset, n, exclude)
        return _json({"items": [workspace.view(position, code) for position, code in items], "next": after,
                      "end": len(items) < n, "model": model})

    async def answer(request):
        position = _position(workspace, request.path_params["position"])
        verify = request.query_params.get("verify") or None
        return _json(workspace.view(position, verify))

    async def decide(request):
        body = await _body(request)
        position = _position(workspace, body.get("answer"))
        kind = body.get("kind", "review")
        if kind not in ("review", "adjudicate"):
            raise InputError(f"kind {kind!r}: review or adjudicate")
        if kind == "adjudicate" and workspace.blind:
            raise InputError("adjudication shows every coder's decisions; it is not available in blind mode")
        save = project.decide if kind == "review" else project.adjudicate
        batch = save(project.ids[position], _codes(body), workspace.coder, **_context(body))
        return _json({"batch": batch, "progress": progress_view(project, workspace.coder)})

    async def verify(request):
        body = await _body(request)
        position = _position(workspace, body.get("answer"))
        if not isinstance(body.get("applies"), bool) or not isinstance(body.get("code"), str):
            raise InputError("verify needs code (an id) and applies (true or false)")
        batch = project.verify(project.ids[position], body["code"], body["applies"], workspace.coder,
                               **_context(body))
        return _json({"batch": batch, "progress": progress_view(project, workspace.coder)})

    async def similar(request):
        params = request.query_params
        position = _position(workspace, params.get("answer"))
        codes = [code for code in params.get("codes", "").split(",") if code]
        unknown = [code for code in codes if code not in project.code_ids]
        if unknown:
            raise InputError(f"unknown code {unknown[0]!r}")
        cutoff = float(params.get("cutoff") or 0.8)
        reviewed = project.decisions.reviewed(workspace.coder)
        found = similar_answers(project, position, cutoff=cutoff, exclude=reviewed)
        after = [code for code in project.code_ids if code in codes]
        items = []
        for other, similarity, exact in found:
            before = project.codes_for(other, workspace.coder)
            items.append({"answer": other, "id": project.ids[other], "text": project.texts[other],
                          "similarity": round(similarity, 3), "exact": exact, "before": before, "after": after,
                          "changes": before != after})
        return _json({"items": items, "vectors": project.vectors is not None})

    async def apply_similar(request):
        body = await _body(request)
        position = _position(workspace, body.get("answer"))
        targets = body.get("targets", [])
        if not isinstance(targets, list):
            raise InputError("targets: a list of answers")
        others = [project.ids[_position(workspace, target)] for target in targets]
        batch = project.apply_similar(project.ids[position], others, _codes(body), workspace.coder,
                                      **_context(body))
        return _json({"batch": batch, "progress": progress_view(project, workspace.coder)})

    async def undo(request):
        body = await _body(request)
        batch = body.get("batch")
        undone = project.undo(workspace.coder, None if batch is None else _integer(batch, "batch"),
                              **_context(body))
        return _json({"undone": None if undone is None else undone.batch,
                      "answers": [] if undone is None else undone.answers,
                      "progress": progress_view(project, workspace.coder)})

    async def recent(request):
        return _json({"items": recent_view(project, workspace.coder)})

    async def progress(request):
        return _json(progress_view(project, workspace.coder))

    async def agreement(request):
        table = project.agreement()
        return _json({"rows": table.to_dict("records"), "coders": project.decisions.coders,
                      "disagreements": 0 if workspace.blind else len(project.decisions.disagreements())})

    async def learning(request):
        return _json(learning_view(project, workspace.learner))

    async def failed(request, error):
        status = 503 if isinstance(error, ProjectLocked) else 400 if isinstance(error, InputError) else 500
        return _json({"error": str(error)}, status)

    routes = [
        Route("/", index),
        Route("/api/state", fresh(state)),
        Route("/api/queue", fresh(queue)),
        Route("/api/answer/{position}", fresh(answer)),
        Route("/api/decide", decide, methods=["POST"]),
        Route("/api/verify", verify, methods=["POST"]),
        Route("/api/similar", fresh(similar)),
        Route("/api/similar", apply_similar, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
        Route("/api/recent", fresh(recent)),
        Route("/api/progress", fresh(progress)),
        Route("/api/agreement", fresh(agreement)),
        Route("/api/learning", fresh(learning)),
        *codebook_routes(workspace),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={QualcodeError: failed})
    hosts = None if port is None else {f"{LOOPBACK}:{port}".encode(), f"localhost:{port}".encode()}
    return TokenGuard(app, token, hosts)


class TokenGuard:
    """ASGI middleware: refuse requests without the token (401), with a wrong one or for
    another host (403); add the security headers to every response."""

    def __init__(self, app, token, hosts=None):
        self.app = app
        self.token = token.encode()
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        given = headers.get(TOKEN_HEADER) or _query_token(scope.get("query_string", b""))
        if self.hosts is not None and headers.get(b"host") not in self.hosts:
            return await _refuse(send, 403, "This workspace answers only on its own loopback address.")
        if not given:
            return await _refuse(send, 401, "The workspace needs the token from the URL qualcode printed.")
        if not hmac.compare_digest(given, self.token):
            return await _refuse(send, 403, "Wrong token: open the URL qualcode printed.")

        async def secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + SECURITY_HEADERS}
            await send(message)

        return await self.app(scope, receive, secured)


def _query_token(query):
    values = parse_qs(query.decode("latin-1")).get("token")
    return values[0].encode() if values else None


async def _refuse(send, status, message):
    body = message.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())] + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


def loopback_socket(port=0):
    """A listening socket on 127.0.0.1 (``port`` 0: any free port); InputError when taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as error:
        sock.close()
        raise InputError(f"--port {port}: cannot listen there ({error.strerror}); choose another port, "
                         "or leave --port out for any free one") from None
    sock.listen(128)
    return sock


def serve(workspace, port=0, open_browser=True, announce=print):
    """Serve ``workspace`` on 127.0.0.1 until Ctrl+C (or SIGTERM where the command line turns it into
    an interrupt: :func:`qualcode.errors.handle_termination`); ``announce(url)`` is called
    once the socket listens. Returns the URL when the server has stopped (requests in flight
    are finished first; every decision was committed when it was made)."""
    import uvicorn

    sock = loopback_socket(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    config = uvicorn.Config(create_app(workspace, token, port), log_level="warning", access_log=False,
                            lifespan="off", ws="none", timeout_graceful_shutdown=2)
    url = f"http://{LOOPBACK}:{port}/?token={token}"
    threading.Thread(target=workspace.prepare, daemon=True).start()
    announce(url)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:   # uvicorn stops gracefully, then passes Ctrl+C (or SIGTERM, see handle_termination) on
        pass
    finally:
        sock.close()
    return url
