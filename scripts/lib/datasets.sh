#!/usr/bin/env bash
# Where the scripts find the shared data sets (ungdc_2023/, cameo_quad_train.tsv,
# golden_rules_en.jsonl, newsmtsc_train.jsonl, petrarch2/, ...): the one place that decides.
#
#   . scripts/lib/datasets.sh
#   datasets=$(detente_datasets NAME) || exit 2
#
# detente_datasets prints the folder on stdout and, once, on stderr which folder it is and
# why, prefixed with NAME (the calling script's name):
#   1. $DETENTE_DATASETS when set and not empty (an error when it is not a folder; there is
#      no fallback then);
#   2. else ../shared/datasets beside the repository, when that folder exists;
#   3. else an error naming DETENTE_DATASETS, and status 2.
# Scripts call it only when what was asked needs the data; an explicit path given to a
# script (an argument, or a variable naming one file) wins over both.
#
# Run directly to see what a script would use:  scripts/lib/datasets.sh [NAME]

# The repository root, fixed when this file is read (the caller may cd later).
_detente_datasets_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

detente_datasets() {
  local name=${1:-datasets} dir
  if [ -n "${DETENTE_DATASETS:-}" ]; then
    if [ -d "$DETENTE_DATASETS" ] && dir=$(cd "$DETENTE_DATASETS" && pwd); then
      printf '%s: data sets from %s (DETENTE_DATASETS)\n' "$name" "$dir" >&2
      printf '%s\n' "$dir"
      return 0
    fi
    printf '%s: error: DETENTE_DATASETS=%s is not a folder; set DETENTE_DATASETS to the folder holding the data sets (ungdc_2023/, cameo_quad_train.tsv, ...)\n' \
      "$name" "$DETENTE_DATASETS" >&2
    return 2
  fi
  local shared
  shared=$(dirname "$_detente_datasets_repo")/shared/datasets
  if [ -d "$shared" ] && dir=$(cd "$shared" && pwd); then
    printf '%s: data sets from %s (../shared/datasets, DETENTE_DATASETS unset)\n' "$name" "$dir" >&2
    printf '%s\n' "$dir"
    return 0
  fi
  printf '%s: error: no data sets: DETENTE_DATASETS is unset and %s does not exist; set DETENTE_DATASETS to the folder holding the data sets (ungdc_2023/, cameo_quad_train.tsv, ...)\n' \
    "$name" "$shared" >&2
  return 2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  detente_datasets "${1:-datasets}"
fi
