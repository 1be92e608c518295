"""Language identifiers on short UI strings: which one `checks/untranslated` should use.

    pip install lingua-language-detector          # the alternative measured (not a dependency)
    python benchmarks/langid_compare.py [--wheel django-*.whl]

Reads a project's gettext catalogues (Django's by default, as benchmarks/bench_l10n.py does),
sets placeholders, markup, URLs, numbers, codes and names aside (`mtqa.text.language.prose_words`),
and asks each identifier whether a string is English rather than the catalogue's language:
- false alarms: translated strings (msgstr differing from msgid) of Latin-script languages
  taken for English;
- recall: English msgids of three or more words, given as if they were the target.
Prints both, the time taken and the peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_l10n import PROJECT_PATHS, catalogues, wheel_of  # noqa: E402

from mtqa.readers.po import read_po_file  # noqa: E402
from mtqa.text.language import english_share, language_probability, prose_words  # noqa: E402

LATIN = ("de", "fr", "es", "pt_BR", "pl", "it", "nl", "cs", "sv", "tr", "id", "ca", "da", "fi", "hu", "ro", "nb",
         "vi")


def lingua_pair(threshold: float):  # type: ignore[no-untyped-def]
    import lingua

    detectors = {}

    def is_english(words: list[str], language: str) -> bool:
        code = language.split("_")[0]
        if code not in detectors:
            other = lingua.Language.from_iso_code_639_1(getattr(lingua.IsoCode639_1, code.upper()))
            detectors[code] = lingua.LanguageDetectorBuilder.from_languages(lingua.Language.ENGLISH, other).build()
        return detectors[code].compute_language_confidence(" ".join(words), lingua.Language.ENGLISH) >= threshold
    return is_english


def py3langid_pair(threshold: float):  # type: ignore[no-untyped-def]
    def is_english(words: list[str], language: str) -> bool:
        probability = language_probability(words, "en", language.split("_")[0])
        return probability is not None and probability >= threshold
    return is_english


def wordfreq_share(words: list[str], language: str) -> bool:
    return english_share(" ".join(words)) >= 0.7


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="a wheel with .po catalogues (default: download Django's)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="langid-"))
    wheel = Path(args.wheel) if args.wheel else wheel_of("django", folder)
    found = catalogues(wheel, PROJECT_PATHS.get(wheel.name.split("-")[0].lower(), ()), LATIN, folder / "po")
    translated, english = [], set()
    for language, paths in found.items():
        for path in paths:
            for entry in read_po_file(str(path)).entries:
                target = entry.msgstr.get(0)
                if not entry.msgid or not target or "fuzzy" in entry.flags:
                    continue
                words = prose_words(target, entry.msgid)
                if words and [w.lower() for w in words] != [w.lower() for w in prose_words(entry.msgid, target)]:
                    translated.append((words, language))
                source_words = prose_words(entry.msgid)
                if len(source_words) >= 3:
                    english.add(tuple(source_words))
    print(f"{len(translated)} translated strings of {len(found)} languages; {len(english)} English strings")
    methods = {"py3langid, the two languages, p >= 0.9": py3langid_pair(0.9),
               "wordfreq English share >= 0.7": wordfreq_share}
    try:
        import lingua  # noqa: F401

        methods["lingua, the two languages, p >= 0.9"] = lingua_pair(0.9)
    except ImportError:
        print("(lingua-language-detector not installed: not measured)")
    for name, is_english in methods.items():
        start = time.perf_counter()
        false_alarms = sum(is_english(words, language) for words, language in translated)
        caught = sum(is_english(list(words), language) for words in english for language in found)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name:42s} false alarms {false_alarms / len(translated):.3%}  English recognised "
              f"{caught / (len(english) * len(found)):.1%}  {seconds:.1f} s  peak RSS so far {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
