-- DashboardStore.Series's query for the peer timing in the sqlite3 shell; run.sh fills in @P, @FROM, @TO and @STEP.
SELECT MIN(t), MAX(NULLIF(rss, -1)), MAX(NULLIF(heap_used, -1)), MAX(NULLIF(heap_total, -1)), MAX(NULLIF(v8_heap, -1)),
  MAX(NULLIF(native, -1)), MAX(NULLIF(external, -1)), MAX(NULLIF(array_buffers, -1)), MAX(NULLIF(heap_limit, -1)),
  MAX(NULLIF(cgroup_usage, -1)), MAX(NULLIF(cgroup_limit, -1)), MAX(NULLIF(oom_score, -1)), AVG(NULLIF(cpu_percent, -1))
FROM (
  SELECT minute_ms + 30000 AS t, rss, heap_used, heap_total, v8_heap, native, external, array_buffers, heap_limit, cgroup_usage,
    cgroup_limit, oom_score, cpu_percent FROM samples_minute WHERE process_id = @P AND minute_ms + 30000 BETWEEN @FROM AND @TO
  UNION ALL
  SELECT time_ms AS t, rss, heap_used, heap_total, v8_heap, native, external, array_buffers, heap_limit, cgroup_usage,
    cgroup_limit, oom_score, cpu_percent FROM samples WHERE process_id = @P AND time_ms BETWEEN @FROM AND @TO)
GROUP BY (t - @FROM) / @STEP ORDER BY 1;
