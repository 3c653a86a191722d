# tidy.awk: make scdoc's roff lint-clean for mandoc -T lint, changing no
# text.  scdoc emits a paragraph macro after every heading and before the
# end of every indent; mandoc reports those as "skipping paragraph macro".
# Here a paragraph macro right before .RE moves after it (where it gives the
# blank line scdoc meant), one where no paragraph can start is dropped, and
# the title goes upper case as man(7) style asks.
function is_para(l) { return l == ".P" || l == ".PP" }
function breaks(l) { return is_para(l) || l ~ /^\.(SH|SS|TH|RE)( |$)/ }
{ line[NR] = $0 }
END {
	for (i = 1; i < NR; i++)
		if (is_para(line[i]) && line[i + 1] ~ /^\.RE( |$)/) {
			line[i] = line[i + 1]
			line[i + 1] = ".P"
			i++
		}
	prev = ""
	for (i = 1; i <= NR; i++) {
		l = line[i]
		if (is_para(l)) {
			nxt = (i < NR) ? line[i + 1] : ".SH"
			if (prev ~ /^\.(SH|SS|TH)( |$)/ || is_para(prev) ||
			    breaks(nxt))
				continue
		}
		if (l ~ /^\.TH "/) {
			split(l, f, "\"")
			sub(/^\.TH "[^"]*"/, ".TH \"" toupper(f[2]) "\"", l)
		}
		print l
		if (l !~ /^\.\\"/)
			prev = l
	}
}
