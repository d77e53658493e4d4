"""Point the book at another repository (a fork): python scripts/set_repository.py URL

_config.yml's `repository: url` is the one place the repository is set: the Binder, Colab and
Thebe buttons are made from it. Each chapter's hidden first cell also names it, for Colab
(`pip install "nnlib @ git+URL"`), since a notebook opened there cannot read _config.yml. This
script changes both; tests/test_site.py checks that they agree.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
URL_LINE = re.compile(r"^(repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:[ \t]*)(\S+)", re.M)


def main(url):
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        sys.exit(f"expected https://github.com/OWNER/REPO, got {url!r}")
    config = ROOT / "_config.yml"
    text = config.read_text()
    match = URL_LINE.search(text)
    if not match:
        sys.exit("_config.yml has no `repository: url:` line")
    old = match.group(2)
    config.write_text(URL_LINE.sub(lambda m: m.group(1) + url, text, count=1))
    changed = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        source = "".join(cell["source"])
        if f"git+{old}" in source:
            cell["source"] = source.replace(f"git+{old}", f"git+{url}").splitlines(keepends=True)
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
            changed.append(path.name)
    print(f"repository: {old} -> {url}; install cells changed in {len(changed)} notebooks")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
