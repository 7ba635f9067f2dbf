#!/bin/bash
# usage: startup.sh BIN DATADIR LABEL — starts `serve` and prints the time to /readyz, the CPU
# seconds used by then, the hall read model's load time, VmRSS and VmHWM; then stops it, unless
# KEEP=1 (it serves on at PORT, default 18096).
bin=$1; dir=$2; label=$3; port=${PORT:-18096}
pkill -f "serve --data-dir $dir" ; sleep 0.5
start=$(date +%s.%N)
(setsid $bin serve --data-dir $dir --addr 127.0.0.1:$port > /tmp/st-$label.log 2>&1 &)
for i in $(seq 1 6000); do curl -fs -o /dev/null http://127.0.0.1:$port/readyz && break; sleep 0.02; done
end=$(date +%s.%N)
pid=$(pgrep -f "serve --data-dir $dir" | head -1)
cpu=$(awk '{print ($14+$15)/100}' /proc/$pid/stat)
hall=$(grep -a 'model=hall' /tmp/st-$label.log | sed 's/.*took=//')
echo "$label: ready $(echo "$end - $start" | bc) s, cpu $cpu s, hall $hall, $(grep -E "VmRSS|VmHWM" /proc/$pid/status | tr -s " \n" " ")"
[ "${KEEP:-}" = 1 ] || { pkill -f "serve --data-dir $dir"; sleep 1.5; }
