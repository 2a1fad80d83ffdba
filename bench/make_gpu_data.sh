#!/usr/bin/env bash
# Make the data folder that bench/gpu_run.sh reads (run on the CPU machine, where metastudent-data,
# ncbi-blast+ and mmseqs2 are installed):
#
#   bash bench/make_gpu_data.sh [OUT=.gpu_data] [MAX_MB=30]
#
# pretrain_{train,val}.fa.gz: training clusters only (every Lab validation cluster is left out);
# localization_gpu_{train,val}.tsv.gz + localization_card.json: the real task's GPU subset.
set -euo pipefail
OUT="${1:-.gpu_data}"
MAX_MB="${2:-30}"
PY="${PYTHON:-.venv/bin/python}"
cd "$(dirname "$0")/.."
DATA="${LORA_LAB_DATA_DIR:-data}"
[ -f "$DATA/tasks/localization/card.json" ] || "$PY" -m lora_demo data build
"$PY" -m lora_demo data export-pretrain --out "$OUT" --max-mb "$MAX_MB"
for part in train val; do
  gzip -c "$DATA/tasks/localization/gpu_$part.tsv" >"$OUT/localization_gpu_$part.tsv.gz"
done
cp "$DATA/tasks/localization/card.json" "$OUT/localization_card.json"
du -ch "$OUT"/* | tail -1
ls -l "$OUT"
