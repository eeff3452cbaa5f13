#!/usr/bin/env bash
# A short GPU check for a CUDA node: CIFAR-10-shaped training runs (PFGM with DDPM++, PFGM++ D=128 with NCSN++, and
# score_sde's VE NCSN++ with its output/input-skip pyramids) on fake CIFAR-10 files through `python -m pfgm_nb.main`,
# their steps/s, then the network benchmark (fp32 / bf16) and the digits training benchmark on CUDA.
#
#   bash bench/gpu_smoke.sh            # about 5 minutes on one H200; writes sample grids and a log under $OUT
set -euo pipefail
PY=${PYTHON:-python}
OUT=${OUT:-/tmp/gpu_smoke}
WORK=${WORK:-/tmp/gpu_smoke_runs}     # checkpoints are large: kept out of $OUT
mkdir -p "$OUT" "$WORK"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
$PY -c "import torch; print('torch', torch.__version__, 'on', torch.cuda.get_device_name())"
$PY -c "from pfgm_nb.data import write_fake_cifar10; write_fake_cifar10('$WORK/cifar', 1000)"

train() {   # preset steps extra-flags...
    local preset=$1 steps=$2; shift 2
    local wd="$WORK/${preset//\//_}"
    rm -rf "$wd"
    $PY -m pfgm_nb.main --config "$preset" --mode train --workdir "$wd" --config.data.data_dir="$WORK/cifar" \
        --config.training.n_iters="$steps" --config.training.snapshot_freq="$steps" --config.training.log_freq=10 \
        --config.device=cuda "$@" > "$WORK/log.txt" 2>&1 || { tail -20 "$WORK/log.txt"; return 1; }
    $PY - "$wd" "$preset" <<'PYEOF'
import json, sys
logs = [json.loads(line) for line in open(f'{sys.argv[1]}/metrics.jsonl')]
first, last = logs[0], logs[-1]    # the first log line is past compilation and cudnn autotuning
rate = (last['step'] - first['step']) / (last['time'] - first['time'])
print(f"{sys.argv[2]:>32}: loss {first['loss']:.3f} (step {first['step']}) -> {last['loss']:.3f} (step {last['step']}), "
      f"{rate:.2f} steps/s at batch {json.load(open(sys.argv[1] + '/config.json'))['training']['batch_size']}")
PYEOF
    cp "$wd/samples/iter_$steps.png" "$OUT/${preset//\//_}.png" 2>/dev/null || true
}
train poisson/cifar10_ddpmpp 60
train pfgmpp/cifar10_ncsnpp_d128 60
train ve/cifar10_ncsnpp_continuous 60 --config.sampling.ode_solver=euler --config.sampling.N=50
$PY bench/models.py --repeats 10
$PY bench/models.py --config ve/cifar10_ncsnpp_continuous --cpu-batch 2 --repeats 3
$PY bench/train.py --device cuda --steps 400 --methods PFGM 'PFGM++ D=128' VP
