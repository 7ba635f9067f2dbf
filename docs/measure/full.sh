#!/bin/bash
# usage: full.sh BIN ORIGDIR LABEL ADMINPASS — every figure of one data size, each on a fresh copy
here=$(dirname "$0")
bin=$1; orig=$2; label=$3; pass=$4
work=/tmp/fw-$label
fresh() { rm -rf $work; cp -a $orig $work; }
echo "=== $label $(date -u +%H:%M:%S) $(basename $bin)"
fresh
for i in 1 2 3; do "$here"/startup.sh $bin $work $label-start; done
for i in 1 2; do GOMEMLIMIT=400MiB "$here"/startup.sh $bin $work $label-start-memlimit; done
fresh
"$here"/measure.sh $bin $work $label $pass
for rate in 200 400 800; do
  fresh
  port=18094
  PORT=$port KEEP=1 "$here"/startup.sh $bin $work $label-paced > /dev/null
  sleep 2
  echo "--- paced $rate req/s"
  $bin load --url http://127.0.0.1:$port --duration 30s --clients 50 --agencies 200 --owners 50 --rate $rate 2>&1 | tail -14
  pkill -f "serve --data-dir $work"; sleep 1.5
done
fresh
/usr/bin/time -f "$label score: %e s wall, max RSS %M KB" $bin score --data-dir $work 2>&1 | tail -4
echo "=== $label done $(date -u +%H:%M:%S)"
