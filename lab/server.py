"""The harness's JupyterLab server: Debian's jupyter_server + jupyterlab_server serving the front end
built into lab/build (see webpack.config.js), on 127.0.0.1 only.

Run with the Python that has jupyter_server and jupyterlab_server (on Debian /usr/bin/python3):

    python3 lab/server.py --AnomalyEvalLab.variant=plotly --ServerApp.root_dir=. --ServerApp.port=8899

`variant` is `plotly` (jupyterlab-plotly's renderer, what most Lab users have) or `html` (no Plotly
extension: figures draw from their text/html output, in trusted notebooks). `state_dir` holds
user settings and workspaces (default lab/build/state). Any other jupyter_server option works as usual.
The project's kernel is found through JUPYTER_PATH (`npm run lab` sets it).
"""
import getpass
import json
import os

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.zmqhandlers import WebSocketMixin
from jupyterlab_server import LabServerApp
from tornado import web
from tornado.websocket import WebSocketHandler
from traitlets import Enum, Unicode, default

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")

# Only the settings given here and on the command line: no Jupyter config file changes the harness.
os.environ["JUPYTER_NO_CONFIG"] = "1"


class IdentityHandler(APIHandler):
    """`GET /api/me`, which JupyterLab 4 asks for and jupyter_server 1.x lacks: the local user."""

    @web.authenticated
    def get(self):
        name = getpass.getuser()
        identity = {"username": name, "name": name, "display_name": name,
                    "initials": name[:1].upper(), "avatar_url": None, "color": None}
        self.finish(json.dumps({"identity": identity, "permissions": {}}))


class EventsHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """`/api/events/subscribe`, the event stream of jupyter_server 2, absent from 1.x: a socket that
    accepts and stays silent, so Lab's event manager connects without an error."""

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        return await super().get(*args, **kwargs)

    def on_message(self, message):
        pass


class AnomalyEvalLab(LabServerApp):
    """JupyterLab for anomaly-eval: the built front end, its schemas and themes, on 127.0.0.1."""

    # jupyter_server finds an extension app by importing its module by this name (this script).
    name = __name__
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False
    app_name = "JupyterLab (anomaly-eval harness)"
    app_version = "4.5.10"
    static_dir = BUILD
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    templates_dir = os.path.join(HERE, "templates")
    # overrides.json there: no "news" prompt and no update check (the harness is offline).
    app_settings_dir = os.path.join(HERE, "settings")

    variant = Enum(["plotly", "html"], default_value="plotly", config=True,
                   help="plotly: with jupyterlab-plotly's renderer; html: without it").tag(config=True)
    state_dir = Unicode(os.path.join(BUILD, "state"), config=True,
                        help="where user settings and workspaces are kept").tag(config=True)

    serverapp_config = {"ip": "127.0.0.1", "open_browser": False}

    @default("user_settings_dir")
    def _user_settings_dir(self):
        return os.path.join(self.state_dir, "user_settings")

    @default("workspaces_dir")
    def _workspaces_dir(self):
        return os.path.join(self.state_dir, "workspaces")

    def initialize_settings(self):
        if not os.path.exists(os.path.join(BUILD, "bundle.js")):
            raise SystemExit(f"no JupyterLab build in {BUILD}: run `npm run lab` (or `npm run build` in lab/) first")
        if self.serverapp.ip not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"the harness serves 127.0.0.1 only, not {self.serverapp.ip}")
        super().initialize_settings()
        settings = self.serverapp.web_app.settings
        settings["terminals_available"] = False
        settings.setdefault("page_config_data", {})["anomalyEvalVariant"] = self.variant

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.append(("/api/me", IdentityHandler))
        self.handlers.append(("/api/events/subscribe", EventsHandler))


def _jupyter_server_extension_points():
    """The extension point jupyter_server looks up when it starts the app."""
    return [{"module": __name__, "app": AnomalyEvalLab}]


if __name__ == "__main__":
    AnomalyEvalLab.launch_instance()
