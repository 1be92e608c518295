"""Grammar with LanguageTool (PyPI `language-tool-python`): a server, remote or started here.

With `languagetool_url` set, mtqa talks to that server. Otherwise it starts a local server
once per run from an installed LanguageTool (the folder holding `languagetool-server.jar`,
named by `LTP_JAR_DIR_PATH`, or one that language-tool-python downloaded under `LTP_PATH`)
and stops it in `close()`. mtqa never downloads LanguageTool itself.

Each segment is checked in its own target language (the file's, else the `language` setting):
the scorer covers the languages the server lists (`GET /v2/languages`), and abstains elsewhere.
For the `language` setting's language its variant is used (en-US); otherwise the file's tag
when the server knows it (pt-BR, de-CH), else the bare language (de, fr).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from mtqa.core.components import ComponentSpec
from mtqa.core.config import Settings
from mtqa.core.errors import ModelError
from mtqa.scorers.grammar_common import (
    FEATURES,
    BackendMatch,
    GrammarScorer,
    backend_rule,
)

JAR_NAMES = ("languagetool-server.jar", "languagetool.jar")
SERVER_START_TIMEOUT_S = 90.0
PROBE_TIMEOUT_S = 5.0
# LanguageTool rules switched off for MT quality checks, and why.
NOISY_RULES = {
    "EN_QUOTES": "typographic preference for curly quotes",
    "DASH_RULE": "typographic preference for en/em dashes",
    "EN_UNPAIRED_QUOTES": "a quotation often spans several sentences, so one segment shows half a pair",
    "EN_UNPAIRED_BRACKETS": "as for quotes: brackets may open in one segment and close in the next",
}
HOW_TO_PROVIDE = (
    "set languagetool_url (--languagetool-url or MTQA_LANGUAGETOOL_URL) to a running server, "
    "or LTP_JAR_DIR_PATH to a folder holding languagetool-server.jar "
    "(LanguageTool 6.x from https://languagetool.org/download/), or use grammar = \"harper\""
)


def server_root(url: str) -> str:
    """`http://host:8081`, `.../v2` and `.../v2/` all name the same server: return the first."""
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    return url.removesuffix("/v2")


def api_root(url: str) -> str:
    return server_root(url) + "/v2/"


def one_line(error: Exception, limit: int = 200) -> str:
    """Errors are shown on one line; servers may answer with a whole HTML page."""
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def server_version(url: str, language: str, timeout: float = PROBE_TIMEOUT_S) -> str:
    """Ask the server for a tiny check; its version, or ModelError if it does not answer as one."""
    import requests

    try:
        response = requests.post(api_root(url) + "check", data={"language": language, "text": "Hello."},
                                 timeout=timeout)
        response.raise_for_status()
        answer = response.json()
        if "matches" not in answer:
            raise ValueError("no 'matches' in its answer")
    except (requests.RequestException, ValueError) as exc:
        raise ModelError(f"LanguageTool server {url} does not answer: {one_line(exc)}") from None
    return str(answer.get("software", {}).get("version", "unknown"))


def server_languages(url: str, timeout: float = PROBE_TIMEOUT_S) -> frozenset[str]:
    """The language codes (`de`, `de-DE`, ...) the server checks (`GET /v2/languages`)."""
    import requests

    try:
        response = requests.get(api_root(url) + "languages", timeout=timeout)
        response.raise_for_status()
        listed = response.json()
        return frozenset(code for entry in listed for code in (entry["code"], entry["longCode"]))
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"LanguageTool server {url} does not list its languages: {one_line(exc)}") from None


def find_local_jar() -> Path | None:
    """The jar of a local LanguageTool install, or None."""
    folders = []
    if os.environ.get("LTP_JAR_DIR_PATH"):
        folders.append(Path(os.environ["LTP_JAR_DIR_PATH"]).expanduser())
    downloads = Path(os.environ.get("LTP_PATH", Path.home() / ".cache" / "language_tool_python"))
    if downloads.is_dir():
        folders.extend(sorted(downloads.glob("LanguageTool*"), reverse=True))  # newest first
    for folder in folders:
        for name in JAR_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


class LocalServer:
    """A LanguageTool HTTP server on a free local port, for the length of one run."""

    def __init__(self, jar: Path, language: str) -> None:
        java = shutil.which("java")
        if java is None:
            raise ModelError(f"{jar}: LanguageTool needs Java 17 or later on PATH; {HOW_TO_PROVIDE}")
        self.jar = jar
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe: nobody reads a pipe while the server runs, and a full pipe blocks it.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [java, "-cp", str(jar), "org.languagetool.server.HTTPServer", "-p", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
        )
        try:
            self.version = self._wait_until_ready(language)
        except BaseException:
            self.close()
            raise

    def _wait_until_ready(self, language: str) -> str:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                error = self.log.read().decode("utf-8", "replace").strip()
                last_line = error.splitlines()[-1] if error else f"exit code {self.process.returncode}"
                raise ModelError(f"{self.jar}: LanguageTool server did not start: {last_line}")
            try:
                return server_version(self.url, language, timeout=2.0)
            except ModelError:
                if time.monotonic() > deadline:
                    raise ModelError(f"{self.jar}: LanguageTool server did not answer within "
                                     f"{SERVER_START_TIMEOUT_S:.0f} s") from None
                time.sleep(0.5)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _utf16_end(text: str, start: int, units: int) -> int:
    """The Python index `units` UTF-16 code units after `start` (LanguageTool counts in UTF-16)."""
    end = start
    while units > 0 and end < len(text):
        units -= 2 if ord(text[end]) > 0xFFFF else 1
        end += 1
    return end


class LanguageToolGrammarScorer(GrammarScorer):
    backend = "languagetool"
    rule = backend_rule("languagetool", "LanguageTool")

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.local: LocalServer | None = None
        if settings.languagetool_url:
            url = settings.languagetool_url
            self.server_version = server_version(url, settings.language)
        else:
            jar = find_local_jar()
            if jar is None:
                raise ModelError(f"LanguageTool is not available here: {HOW_TO_PROVIDE}")
            self.local = LocalServer(jar, settings.language)
            url, self.server_version = self.local.url, self.local.version
        self.url = url
        try:
            self.server_languages = server_languages(url)
        except ModelError:
            self.close()
            raise
        self.tools: dict[str, Any] = {}
        self._tool(settings.language)  # the configured language must be one the server checks

    @property
    def languages(self) -> frozenset[str] | None:
        """The languages the server checks (primary subtags)."""
        return frozenset(code.split("-")[0].lower() for code in self.server_languages)

    def _code(self, language: str) -> str:
        """The server's code for a target language (see the module docstring)."""
        if language == self.settings.language.split("-")[0].lower():
            return self.settings.language
        return language if language in self.server_languages else next(
            (code for code in sorted(self.server_languages) if code.lower().startswith(language + "-")), language)

    def _tool(self, code: str) -> Any:
        import language_tool_python
        from language_tool_python.exceptions import LanguageToolError

        if code not in self.tools:
            try:
                # As a "remote" server the library never starts or downloads anything itself.
                tool = language_tool_python.LanguageTool(code, remote_server=server_root(self.url))
            except (LanguageToolError, ValueError) as exc:
                self.close()
                raise ModelError(f"LanguageTool server {self.url}: {one_line(exc)}") from None
            tool.disabled_rules = set(NOISY_RULES)
            self.tools[code] = tool
        return self.tools[code]

    def _check(self, text: str, language: str) -> list[BackendMatch]:
        from language_tool_python.exceptions import LanguageToolError

        try:
            matches = self._tool(self._code(language)).check(text)
        except LanguageToolError as exc:
            raise ModelError(f"LanguageTool server {self.url}: {one_line(exc)}") from None
        # match.offset is already a Python index (the library corrects for characters beyond
        # the BMP); match.error_length is still in UTF-16 units.
        return [
            BackendMatch(
                start=match.offset,
                end=_utf16_end(text, match.offset, match.error_length),
                message=match.message,
                rule=f"grammar/languagetool/{match.rule_id}",
                kind=match.category,
                suggestions=tuple(match.replacements),
                about_word_form=match.rule_issue_type == "misspelling" or match.category == "CASING",
                unknown_word=match.rule_issue_type == "misspelling",
            )
            for match in matches
        ]

    def _backend_signature(self) -> dict[str, Any]:
        return {"version": self.server_version, "server": "local" if self.local else "remote"}

    def close(self) -> None:
        if self.local is not None:
            self.local.close()
            self.local = None


SPEC = ComponentSpec("grammar", "languagetool", LanguageToolGrammarScorer,
                     "LanguageTool, a server or a local install: each target language the server checks (30+)",
                     features=FEATURES,
                     rules=(LanguageToolGrammarScorer.rule,))
