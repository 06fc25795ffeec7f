# median(arr, key, c): the median of arr[key, 1..c], as the benchmarks' tables quote them (the mean of the two middle
# values for an even count). Prepended to each run.sh's awk program.
function median(arr, key, c,    i, j, t, v) {
  for (i = 1; i <= c; i++) v[i] = arr[key, i]
  for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
  return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
}
