#!/bin/bash
# usage: measure.sh BIN DATADIR LABEL ADMINPASS — start-up, export of every project as the admin,
# the full mix (closed loop, 50 clients), then healthz and the cached hall page alone. Changes DATADIR.
bin=$1; dir=$2; label=$3; pass=$4
port=18095
here=$(dirname "$0")
PORT=$port KEEP=1 "$here"/startup.sh $bin $dir $label
pid=$(pgrep -f "serve --data-dir $dir" | head -1)
sleep 3
# export of every project, as a background task
jar=/tmp/m-$label.jar; rm -f $jar
curl -s -c $jar -H 'Content-Type: application/json' -d "{\"login\":\"admin\",\"password\":\"$pass\"}" http://127.0.0.1:$port/api/v1/auth/login -o /dev/null -w "login %{http_code}\n"
t0=$(date +%s.%N)
resp=$(curl -s -b $jar "http://127.0.0.1:$port/api/v1/exports/projects.xlsx" -o /tmp/m-$label.xlsx -w "%{http_code}")
if [ "$resp" = 202 ]; then
  id=$(python3 -c "import json;print(json.load(open('/tmp/m-$label.xlsx'))['id'])")
  while true; do
    st=$(curl -s -b $jar http://127.0.0.1:$port/api/v1/exports/tasks/$id | python3 -c "import json,sys;d=json.load(sys.stdin);print(d['state'],d['rows_done'])")
    case "$st" in done*|failed*) break;; esac
    sleep 0.2
  done
  echo "$label: export task $st after $(echo "$(date +%s.%N) - $t0" | bc) s, peak $(grep VmHWM /proc/$pid/status)"
else
  echo "$label: export answered $resp after $(echo "$(date +%s.%N) - $t0" | bc) s"
fi
$bin load --url http://127.0.0.1:$port --duration 30s --clients 50 --agencies 200 --owners 50 2>&1 | tail -16
echo "$label: after load $(grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr '\n' ' ')"
for k in healthz hall-page; do
  $bin load --url http://127.0.0.1:$port --duration 15s --clients 50 --kinds $k 2>&1 | grep -E "^ *$k|req/s|total" | head -3
done
pkill -f "serve --data-dir $dir"; sleep 2
