#!/bin/sh
# Sales totals per day for a period, as CSV. Used by the run_report MCP tool.
# usage: sales-report.sh --period 2025-03 [--region emea|amer|apac|all]
set -eu

period=""
region="all"
while [ $# -gt 0 ]; do
  case "$1" in
    --period) period="$2"; shift 2 ;;
    --region) region="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[ -n "$period" ] || { echo "--period is required" >&2; exit 2; }

psql "$DATABASE_URL" --csv -v period="$period" -v region="$region" <<'SQL'
SELECT date_trunc('day', o.created_at)::date AS day,
       count(*)                                AS orders,
       sum(o.total_cents) / 100.0              AS revenue
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
 WHERE o.status = 'paid'
   AND to_char(o.created_at, 'YYYY-MM') = :'period'
   AND (:'region' = 'all' OR c.region = :'region')
 GROUP BY 1
 ORDER BY 1;
SQL
