#!/usr/bin/zsh -f
# zsh_complete.zsh FPATH_DIR LINE: the completions an interactive zsh (compinit, the _nswire in
# FPATH_DIR) offers for LINE typed and then TAB, one per line. It drives zsh in a pseudo-terminal
# (zsh/zpty); compadd is wrapped to print every candidate it is given, and the completion ends
# the shell when done.
zmodload zsh/zpty
dir=$1 line=$2
init=$(mktemp)
cat >$init <<INIT
PROMPT=
fpath=($dir \$fpath)
autoload -U compinit
compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
compadd() {
  local -a __hits
  builtin compadd -A __hits "\$@"
  local h
  for h in \$__hits; do print -r -- "HIT:\$h:TIH"; done
  builtin compadd "\$@"
}
finish() { print -r -- "DONE:"; exit }
comppostfuncs=(finish)
print -r -- "READY:"
INIT
zpty z zsh -f -i
zpty -w z "source $init"
while zpty -r z out; do [[ $out == *READY:* ]] && break; done
zpty -w -n z "$line"$'\t'
all=
while zpty -r z out; do
  all+=$out
  [[ $out == *DONE:* ]] && break
done
zpty -d z
rm -f $init
for m in ${(f)"$(print -r -- $all | grep -o 'HIT:[^:]*:TIH' )"}; do print -r -- ${${m#HIT:}%:TIH}; done
