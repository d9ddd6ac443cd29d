#!/usr/bin/env bash
# completion_test.sh NSWIRE: the generated completions, run in each shell itself: bash (plain, and
# with bash-completion's _filedir), zsh (an interactive zsh in a pseudo-terminal, compinit) and
# fish (`complete -C`). Each offers the verbs `nswire --help` lists, options, option values
# (choices), lab files for FILE, and lab names (from a labs directory with two records) for
# `down --lab` and `ls`. Touches nothing outside its temp dir.
set -euo pipefail
nswire=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
for shell in zsh fish; do command -v $shell >/dev/null || { echo "FAIL: $shell not installed (scripts/install-deps)"; exit 1; }; done
[[ -f /usr/share/bash-completion/bash_completion ]] || { echo "FAIL: bash-completion not installed"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nswire-completion.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/labs" "$tmp/files" "$tmp/zsh" "$tmp/bin"
touch "$tmp/labs/alpha.json" "$tmp/labs/beta.json" "$tmp/labs/alpha.lock"
touch "$tmp/files/lab1.yaml" "$tmp/files/lab2.yml" "$tmp/files/labx.txt"
ln -s "$nswire" "$tmp/bin/nswire"
export PATH="$tmp/bin:$PATH"
# The scripts as generated, the labs directory pointed at the fake one.
for s in bash zsh fish; do nswire completion $s | sed "s|/run/nswire/labs|$tmp/labs|g" >"$tmp/nswire.$s"; done
cp "$tmp/nswire.zsh" "$tmp/zsh/_nswire"
# The verbs and their aliases as `nswire --help` lists them: "  ls, inspect    list the labs...".
mapfile -t verbs < <(nswire --help | awk '/^Subcommands:/ {on = 1; next}
  on && /^  [a-z]/ {if ($1 ~ /,$/) {sub(/,$/, "", $1); print $1; print $2} else print $1}')

bash_complete() {  # WITH_BASH_COMPLETION LINE
  bash -c '
    [[ $1 == 1 ]] && source /usr/share/bash-completion/bash_completion
    source "$2"
    read -ra COMP_WORDS <<<"$3"
    [[ $3 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _nswire
    printf "%s\n" "${COMPREPLY[@]}"' _ "$1" "$tmp/nswire.bash" "$2"
}
zsh_complete() { zsh -f "$here/zsh_complete.zsh" "$tmp/zsh" "$1" | sort -u; }
fish_complete() { fish -c "source $tmp/nswire.fish; complete -C '$1'" | cut -f1; }

failures=0
check() {  # SHELL LINE EXPECTED... : every expected word offered (and, with --only, nothing else)
  local shell=$1 line=$2; shift 2
  local only=0
  [[ ${1:-} == --only ]] && { only=1; shift; }
  local got
  case $shell in
    bash) got=$(cd "$tmp/files" && bash_complete 0 "$line") ;;
    bash+) got=$(cd "$tmp/files" && bash_complete 1 "$line") ;;
    zsh) got=$(cd "$tmp/files" && zsh_complete "$line") ;;
    fish) got=$(cd "$tmp/files" && fish_complete "$line") ;;
  esac
  local w
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$got" || { echo "FAIL $shell '$line': '$w' not offered; got: $(tr '\n' ' ' <<<"$got")"; failures=$((failures + 1)); }
  done
  if ((only)); then
    local g
    while IFS= read -r g; do
      [[ -z $g ]] && continue
      printf '%s\n' "$@" | grep -qxF -- "$g" || { echo "FAIL $shell '$line': '$g' offered too"; failures=$((failures + 1)); }
    done <<<"$got"
  fi
}

for shell in bash bash+ zsh fish; do
  check $shell "nswire " "${verbs[@]}"
  check $shell "nswire up --back" --only --backend
  check $shell "nswire up --backend " --only linux ovs ovn
  check $shell "nswire graph --format " --only dot mermaid svg png html
  check $shell "nswire completion " --only bash zsh fish
  check $shell "nswire down --lab " --only alpha beta
  check $shell "nswire ls " --only alpha beta
  check $shell "nswire inspect " --only alpha beta
done
# Lab files: bash-completion, zsh and fish offer the YAML files only; plain bash offers files.
check bash+ "nswire up la" --only lab1.yaml lab2.yml
check zsh "nswire up la" --only lab1.yaml lab2.yml
check fish "nswire up la" lab1.yaml lab2.yml
check bash "nswire up la" lab1.yaml lab2.yml
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "completion: bash, bash with bash-completion, zsh and fish offer what the CLI has (${#verbs[@]} verbs)"
