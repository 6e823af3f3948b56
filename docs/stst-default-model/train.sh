#!/usr/bin/env bash
# Trains the bundled default STST model (src/main/resources/sc/fiji/stainnorm/stst/default-model.zip) from the
# 40 glioblastoma tiles of ../shared/data/he/pengyzhang_cell_seg_matlab (4 held out for validation by the seed),
# with the default recipe of ./stainnorm train (experiments.md: one-sided label smoothing, real label 0.9; at
# inference each image's gray levels moved 25 % of the way to the training tiles'). Run from the repository root.
# The committed model was produced by exactly these options, with the classes of the commit named in README.md
# (copied aside so that editing sources during the run could not change the running code).
set -euo pipefail
./stainnorm train --images ../shared/data/he/pengyzhang_cell_seg_matlab \
	--output docs/stst-default-model/default-model.zip \
	--steps 2500 --width 16 --patch 256 --seed 1 --validation 0.1 --validate-every 500 \
	--checkpoints /tmp/stst/run/checkpoints --checkpoint-every 2000 --threads 2 \
	--description "H&E glioblastoma tiles (Emory, via pengyzhang/cell_seg_matlab GBM40), 512x512" --overwrite
cp docs/stst-default-model/default-model.zip src/main/resources/sc/fiji/stainnorm/stst/default-model.zip
