#!/usr/bin/env bash
# One-shot GPU run: MLM-pretrain the ESM-2 8M architecture for a time budget, then bench/bench_gpu.py.
#
#   OUT=/path/to/out bash bench/gpu_run.sh [BUDGET_SECONDS=360] [DATA_DIR=.gpu_data]
#
# DATA_DIR holds pretrain_train.fa.gz, pretrain_val.fa.gz, pretrain_data.json and (optional)
# localization_gpu_{train,val}.tsv.gz + localization_card.json (made by bench/make_gpu_data.sh).
# Writes at most 8 flat files to $OUT: model.safetensors (fp16), config.json, vocab.txt,
# tokenizer_config.json, MODEL_CARD.md, pretrain_metrics.json, bench_gpu.json, gpu_run.log.
# The whole run stays under TOTAL_LIMIT seconds (default 525) including imports.
set -u
: "${OUT:?set OUT to the output folder}"
BUDGET="${1:-360}"
DATA="${2:-.gpu_data}"
PY="${PYTHON:-python3}"
TOTAL_LIMIT="${TOTAL_LIMIT:-525}"
cd "$(dirname "$0")/.."
START=$(date +%s)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gpu_run.XXXXXX")"
LOG="$OUT/gpu_run.log"
mkdir -p "$OUT"
elapsed() { echo $(( $(date +%s) - START )); }
log() { echo "[$(elapsed)s] $*" | tee -a "$LOG"; }

log "gpu_run: budget ${BUDGET}s, data $DATA, work $WORK, python $($PY -V 2>&1)"
$PY - >>"$LOG" 2>&1 <<'PYEOF'
import importlib
for name in ("torch", "numpy", "safetensors", "transformers", "peft", "accelerate"):
    try:
        m = importlib.import_module(name)
        print(f"  {name} {getattr(m, '__version__', '?')}")
    except Exception as exc:
        print(f"  {name} MISSING ({type(exc).__name__}: {exc})")
import torch
print("  cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-")
PYEOF
for f in pretrain_train.fa.gz pretrain_val.fa.gz; do
  [ -f "$DATA/$f" ] || log "MISSING $DATA/$f (make it with bench/make_gpu_data.sh)"
done

# 1. pretraining. At budget + GRACE s, SIGTERM ends training at the next step and the run is still
#    evaluated and saved; 60 s later it is killed.
GRACE="${GRACE:-120}"
log "pretrain start"
timeout --signal=TERM --kill-after=60 $(( BUDGET + GRACE )) \
  $PY bench/gpu_pretrain.py pretrain \
    --sequences "$DATA/pretrain_train.fa.gz" --val-sequences "$DATA/pretrain_val.fa.gz" \
    --out "$WORK/ckpt" --seconds "$BUDGET" --val-limit 2000 --save-every 100000 --json \
    >"$WORK/progress.jsonl" 2>>"$LOG"
rc=$?
log "pretrain exit $rc"
# progress: first lines, every evaluation, the last lines
{ head -3 "$WORK/progress.jsonl"; grep '"val": {' "$WORK/progress.jsonl"; tail -3 "$WORK/progress.jsonl"; } >>"$LOG" 2>/dev/null
for f in model.safetensors config.json vocab.txt tokenizer_config.json MODEL_CARD.md pretrain_metrics.json; do
  if [ -f "$WORK/ckpt/$f" ]; then cp "$WORK/ckpt/$f" "$OUT/$f"; else log "no $f written"; fi
done
ls -l "$OUT" >>"$LOG"

# 2. GPU benchmark in the time that is left (partial JSON survives a timeout)
LEFT=$(( TOTAL_LIMIT - $(elapsed) ))
if [ "$LEFT" -gt 30 ]; then
  log "bench_gpu start (${LEFT}s left)"
  timeout --signal=TERM --kill-after=5 "$LEFT" \
    $PY bench/bench_gpu.py --out "$OUT/bench_gpu.json" --deadline $(( LEFT > 90 ? LEFT - 60 : 30 )) \
      --task-dir "$DATA" --pretrained "$WORK/ckpt" --real-steps "${REAL_STEPS:-300}" >>"$LOG" 2>&1
  log "bench_gpu exit $?"
else
  log "bench_gpu skipped: only ${LEFT}s left"
fi
log "done in $(elapsed)s"
