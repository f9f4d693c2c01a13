#!/usr/bin/env bash
# Two builds of the fp32 GEMM drive, differing only in blocking or prefetch constants (or compiler
# flags), timed in pairs beside OpenBLAS on ResNet-50's GEMM shapes (one thread). For deciding a
# constant on a noisy shared host: each run calls both builds back to back, and the program is
# linked twice (A's code first, then B's first) and both are run, since of two identical builds
# the one linked first ran 2–4 % faster on a Zen 3. The last line gives B's speed over A's from each
# order and their geometric mean; for two identical builds it came out within about ±2 % of 1
# (eval/BENCHMARKS.md, session 40).
#
#   tools/gemm_pair.sh [--isa avx2|avx512] [--runs N] [--shape M N K] [--residual] "A FLAGS" "B FLAGS"
#   e.g. tools/gemm_pair.sh "" "-DNB=96 -DTILE_OUTER_BYTES=131072"
#
# --residual: both builds add a bias and a residual and apply ReLU (the epilogue of a ResNet
# block's last 1×1); sgemm stays a plain GEMM. -D flags may set the constants the kernel headers
# leave open: NB, TILE_OUTER_BYTES (isa_avx2.h, isa_avx512.h), AHEAD_A, PD and RESIDUAL_ROWS_OUTER
# (f32kernels.h); any other -D of a header's constant fails the build. Default ISA: avx2 (runs on
# any CPU this project runs on); avx512 needs AVX-512F. Builds with clang -O2 -falign-loops=64, as
# Package.swift builds the kernels, into $SCRATCH (default .build-gemm-pair); needs libopenblas-dev
# (tools/setup.sh installs it). Exits 1 if the two builds write different bits.
set -euo pipefail
cd "$(dirname "$0")/.."
isa=avx2 runs=9 shape=()
while [[ $# -gt 2 ]]; do
  case "$1" in
    --isa) isa=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --shape) shape=("$2" "$3" "$4"); shift 4 ;;
    --residual) export GEMM_PAIR_RESIDUAL=1; shift ;;
    *) echo "gemm_pair.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
if [[ $# -ne 2 ]]; then
  echo "usage: tools/gemm_pair.sh [--isa avx2|avx512] [--runs N] [--shape M N K] [--residual]" \
    "\"A FLAGS\" \"B FLAGS\"" >&2
  exit 1
fi
case "$isa" in
  avx2) isaFlag= ;;
  avx512)
    grep -qw avx512f /proc/cpuinfo || { echo "gemm_pair.sh: this CPU has no AVX-512F" >&2; exit 1; }
    isaFlag=-DISA_AVX512 ;;
  *) echo "gemm_pair.sh: --isa is avx2 or avx512" >&2; exit 1 ;;
esac
src=Sources/CKernelsBF16
out=${SCRATCH:-.build-gemm-pair}
mkdir -p "$out"
# A -D of a constant the headers do not leave open is an error, not a silent no-op.
cc=(clang -O2 -falign-loops=64 -Werror=macro-redefined -I"$src/include" -I"$src")
# shellcheck disable=SC2086  # the flags are words to split
"${cc[@]}" $isaFlag -DVARIANT_NAME=drive_a $1 -c tools/gemm_pair_variant.c -o "$out/drive_a.o"
# shellcheck disable=SC2086
"${cc[@]}" $isaFlag -DVARIANT_NAME=drive_b $2 -c tools/gemm_pair_variant.c -o "$out/drive_b.o"
common=("$src/f32gemm.c" "$src/f32gemm_avx2.c" "$src/f32gemm_avx512.c" "$src/cpu.c" "$src/threadbuffer.c")
libs=(-lopenblas -lpthread -lm)
# link FIRST SECOND OUTPUT: the program with FIRST's code placed before SECOND's.
link() { "${cc[@]}" "${common[@]}" "$1" "$2" tools/gemm_pair.c -o "$3" "${libs[@]}"; }
link "$out/drive_a.o" "$out/drive_b.o" "$out/gemm_pair_ab"
link "$out/drive_b.o" "$out/drive_a.o" "$out/gemm_pair_ba"
default="(the headers' constants)"
echo "A: ${1:-$default}   B: ${2:-$default}   ISA $isa, 1 thread, $runs runs per shape"
ratios=()
for order in ab ba; do
  echo "== linked with $([[ $order == ab ]] && echo "A's code first" || echo "B's code first")"
  log=$(OPENBLAS_NUM_THREADS=1 "$out/gemm_pair_$order" "$runs" "${shape[@]}") || { echo "$log"; exit 1; }
  grep -v '^summary ' <<<"$log"
  ratios+=("$(awk '/^summary /{print $2}' <<<"$log")")
done
awk -v x="${ratios[0]}" -v y="${ratios[1]}" \
  'BEGIN{printf "B over A (sums of medians): %.3f× (A first), %.3f× (B first), " \
    "geometric mean %.3f×\n", x, y, sqrt(x*y)}'
