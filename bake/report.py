"""The build's table of what baking cost: one row per figure, then one per page.

``python -m bake.report <bake folder> [<site folder>]`` prints it (the build does).
"""
import gzip
import json
import pathlib

PAYLOAD = 'class="knob-frames">'


def page_figures(html_path):
    """Ids of the baked figures in a built page (found in its widget state)."""
    text = pathlib.Path(html_path).read_text(encoding="utf-8")
    found = []
    for part in text.split(PAYLOAD.replace('"', '\\"'))[1:]:
        start = part.find('\\"id\\":\\"')
        if start >= 0:
            found.append(part[start + 9: start + 21])
    return found


def origin(report):
    """Where this build got a figure: baked now ("no" cache), the bake cache ("yes"), or an
    earlier build ("kept": its chapter's code did not change, so the chapter did not run)."""
    if report.get("kept"):
        return "kept"
    return "yes" if report["cached"] else "no"


def figure_rows(reports):
    """One line per figure: the rule it got, its frames, chunks, bytes and seconds, cached or not."""
    lines = [f"{'figure':<14}{'rule':>24}{'frames':>8}{'chunks':>7}{'page KB':>9}{'all KB':>8}"
             f"{'bake s':>8}{'cache':>7}  grid"]
    for rid, r in reports.items():
        rule = r["rule"] + (f" ({r['limited_by']})" if r.get("limited_by") else "")
        lines.append(f"{rid:<14}{rule:>24}{r['frames']:>8}{r['chunks']:>7}{r['first_load_gzip'] / 1024:>9.1f}"
                     f"{r['gzip_bytes'] / 1024:>8.1f}{r['seconds']:>8.2f}{origin(r):>7}"
                     f"  {'; '.join(r['grid'])}")
    return lines


def summarise(bake_dir, html_dir=None, only=None, since=None):
    """Text tables: one row per baked figure, then one per page (when ``html_dir`` is given).

    KB are gzip-compressed, as served: "page" is what the page carries (header and default
    chunk), "all" the figure's frames in every chunk. only: the figure ids to list (default all).
    since: when this build started (a time.time() value); a report written before then is an
    earlier build's, kept because its chapter did not run again.
    """
    reports = {}
    for path in sorted(pathlib.Path(bake_dir).glob("*.json")):
        report = json.loads(path.read_text())
        report["kept"] = since is not None and path.stat().st_mtime < since
        if only is None or report["id"] in only:
            reports[report["id"]] = report
    lines = ["Baked knob figures (frames replayed by the static pages; KB gzip-compressed):"]
    lines += figure_rows(reports)
    live = sum(1 for r in reports.values() if r["rule"] == "live steps")
    cached = sum(1 for r in reports.values() if r["cached"] and not r["kept"])
    kept = sum(1 for r in reports.values() if r["kept"])
    total = sum(r["seconds"] for r in reports.values() if not (r["cached"] or r["kept"]))
    lines.append(f"{live} of {len(reports)} figures at every live step; {cached} from the bake cache, "
                 f"{kept} kept from an earlier build (chapter not run); baking took {total:.1f} s")
    if html_dir:
        lines.append("Pages (first load: the page itself, gzip-compressed, with its figures' default chunks):")
        lines.append(f"{'page':<40}{'figures':>8}{'first load KB':>15}{'frames KB':>11}")
        for page in sorted(pathlib.Path(html_dir).rglob("*.html")):
            ids = page_figures(page)
            if not ids:
                continue
            rows = [reports[i] for i in ids if i in reports]
            first = len(gzip.compress(page.read_bytes(), 6))
            lines.append(f"{str(page.relative_to(html_dir)):<40}{len(ids):>8}{first / 1024:>15.1f}"
                         f"{sum(r['gzip_bytes'] for r in rows) / 1024:>11.1f}")
    return "\n".join(lines)


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(description="Report what baking the knob figures cost.")
    parser.add_argument("bake_dir", help="the folder the build baked into (_build/bake)")
    parser.add_argument("html_dir", nargs="?", help="the built site, for the per-page table")
    args = parser.parse_args(argv)
    print(summarise(args.bake_dir, args.html_dir))


if __name__ == "__main__":
    main()
