#!/bin/bash
# test-completion.sh NFT_NETFLOW COMPLETION_FILE: source the completion as
# bash-completion would and complete words the way the shell asks.
set -u
nfn=$1 file=$2
PATH=$(dirname "$nfn"):$PATH
[ -r /usr/share/bash-completion/bash_completion ] &&
	. /usr/share/bash-completion/bash_completion
. "$file"
fails=0 passes=0

# complete WORDS...: COMPREPLY for the last word, sorted, on one line
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_nft_netflow nft-netflow "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {	# expect "WANT" WORDS...
	local want=$1 got
	shift
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then
		passes=$((passes + 1))
	else
		fails=$((fails + 1))
		echo "completing '$*': got '$got', want '$want'"
	fi
}

complete -p nft-netflow | grep -q _nft_netflow ||
	{ echo "no completion registered for nft-netflow"; exit 1; }
expect "disable enable flows install remove show status" nft-netflow -m ""
expect "disable enable flows install remove show status" nft-netflow --mode ""
expect "enable" nft-netflow -m en
expect "conntrack nflog" nft-netflow --capture ""
expect "json prometheus text" nft-netflow -m show --format ""
expect "--format" nft-netflow --form
expect "--mode" nft-netflow --mo
expect "" nft-netflow --active-timeout ""
# every option of -h is offered, and nothing else
want=$("$nfn" -h | grep -o -- ' -[a-zA-Z-][a-z-]*' | tr -d ' ' | sort | tr '\n' ' ')
expect "${want% }" nft-netflow ""
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
