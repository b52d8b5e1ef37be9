# The plot of the benchmark's summary CSV (counter_bench or
# counter_bench_native --csv DIR/bench.csv), as "make bench" draws it:
#
#     gnuplot -c bench/plot.gp DIR
#
# reads DIR/bench.csv (and DIR/machine.txt, one line about the machine, if it
# is there) and writes DIR/bench.svg. The top panel is every variant's
# increments per second against the process count; the bottom one zooms in
# on what the top one cannot separate: the variants that call the library
# relative to the peer, the same atomic increment written inline on memory
# the system shares (file-mapping, posix-shm), each repetition paired with
# its own.

if (ARGC < 1) { print "usage: gnuplot -c bench/plot.gp DIR"; exit status 2 }
dir = ARG1
csv = dir.'/bench.csv'
out = dir.'/bench.svg'

# The CSV's columns, by name.
VARIANT = 1; PROCS = 2; OPS = 6; OPS_MIN = 7; OPS_MAX = 8
VS_PEER = 10; INCREMENTS = 11; LOST = 12

awk(program) = system(sprintf("awk -F, '%s' '%s'", program, csv))
variants = awk('NR > 1 && !seen[$1]++ { printf "%s ", $1 }')
procs = awk('NR > 1 && !seen[$2]++ { printf "%s ", $2 }')
plan = awk('NR == 2 { printf "%s %s", $3, $4 }')
machine = system(sprintf("cat '%s/machine.txt' 2>/dev/null", dir))
subtitle = sprintf("median of %s runs of %s ms, bars from min to max", \
                   word(plan, 1), word(plan, 2)) \
           .(machine eq '' ? '' : '; '.machine)

# One colour per variant, the same in both panels.
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #17becf #7f7f7f"
position(v) = sum [i = 1:words(variants)] (word(variants, i) eq v ? i : 0)
colour(v) = word(colours, (position(v) - 1) % words(colours) + 1)
only(v, col) = strcol(VARIANT) eq v ? column(col) : NaN
measured(v) = strstrt(' '.variants, ' '.v.' ') > 0
peer = measured('file-mapping') ? 'file-mapping' : 'posix-shm'
library = ''
do for [v in 'sharedcounter sc-runtime hardened sc-nowake'] {
    if (measured(v)) { library = library.' '.v }
}

set terminal svg size 860,760 dynamic noenhanced font 'sans,12' \
    background rgb 'white'
set output out
set datafile separator ','
set key outside right top reverse Left noenhanced spacing 1.4
set grid ytics mytics xtics lc rgb '#dddddd'
set logscale x 2
first = word(procs, 1) + 0; last = word(procs, words(procs)) + 0
set xrange [first / 1.25 : last * 1.25]
set xtics ()
do for [p in procs] { set xtics add (p p + 0) }
set lmargin at screen 0.11
set rmargin at screen 0.76

set label 1 subtitle at screen 0.5, screen 0.945 center font ',11' \
    tc rgb '#555555'
set multiplot title 'Increments per second of all processes together' \
    font ',15'

set origin 0, 0.36
set size 1, 0.57
set offsets 0, 0, graph 0.06, 0
set tmargin 1
set bmargin 2.5
set logscale y 10
set format y '%.0s%c'
set ylabel 'increments per second (log scale)'
set xlabel ''
plot for [v in variants] csv skip 1 \
         using PROCS:(only(v, OPS)):OPS_MIN:OPS_MAX \
         with yerrorlines lw 2 pt 7 ps 0.7 lc rgb colour(v) title v, \
     csv skip 1 using PROCS:(only('unsafe', OPS) * ($2 > 1 ? 1 : NaN)): \
         (sprintf('%.0f%% lost', 100.0 * column(LOST) / column(INCREMENTS))) \
         with labels offset 0, 1.1 font ',10' tc rgb colour('unsafe') notitle

unset label 1
set origin 0, 0
set size 1, 0.36
set tmargin 1
set bmargin 3.5
unset logscale y
set format y '%.2f'
set offsets 0, 0, graph 0.12, graph 0.12
set ylabel sprintf("ops/s relative to\n%s (paired)", peer)
set xlabel 'processes incrementing at once'
plot 1 with lines dt 2 lw 1.5 lc rgb colour(peer) title peer.' = 1', \
     0.9 with lines dt 3 lw 1.5 lc rgb '#555555' title 'goal: 0.9', \
     for [v in library] csv skip 1 using PROCS:(only(v, VS_PEER)) \
         with linespoints lw 2 pt 7 ps 0.7 lc rgb colour(v) title v
unset multiplot
