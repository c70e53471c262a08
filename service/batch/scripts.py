"""The Lua scripts of the job store (`service.batch.jobs`): each changes a job's keys as one
atomic step, so that a worker dying at any point leaves a job either before or after the step.
Keys and arguments are documented per script; the keys come from `service.keyspace`.
"""

#: Submit a job. KEYS: the job's record[, the Idempotency-Key's key]. ARGV: the retention in
#: seconds, the job id, then the record's fields and values. Returns the id of the job the key
#: already names, or the new job's id.
CREATE = """
if #KEYS == 2 then
  local existing = redis.call('GET', KEYS[2])
  if existing then return existing end
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return ARGV[2]
"""

#: Start a job (queued -> running) and pin its watchlist version, unless a first attempt did.
#: KEYS: the record. ARGV: the version, the time, the retention. Returns the version pinned.
START = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return false end
if status == 'queued' then
  redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[2])
end
redis.call('HSETNX', KEYS[1], 'watchlist_version', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[1], 'watchlist_version')
"""

#: The whole upload is in chunks: record the totals, drop the upload, and finish the job if
#: its chunks were all done already. KEYS: the record, the set of done chunks, the upload.
#: ARGV: rows, chunks, the time, the retention. Returns 1 when this finished the job.
SPLIT = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
redis.call('HSET', KEYS[1], 'rows_total', ARGV[1], 'chunks_total', ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local done = tonumber(redis.call('HGET', KEYS[1], 'chunks_done') or '0')
if status == 'running' and done >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'status', 'done', 'finished_at', ARGV[3])
  return 1
end
return 0
"""

#: Record a chunk's results once: the chunk joins the set of done chunks, and only if it was
#: not there its results are stored, its input dropped and its counts added. KEYS: the
#: record, the done set, the chunk's output, its input. ARGV: the chunk, the packed results,
#: rows, hits, errors, cache hits, the time, the retention. Returns 0 if counted before, -1 if
#: the job is not running (failed, or gone), 1 if recorded now, 2 if that finished the job.
RECORD = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'running' then
  if status == 'done' then return 0 end
  return -1
end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[8])
redis.call('DEL', KEYS[4])
redis.call('HINCRBY', KEYS[1], 'rows_done', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'hits', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'errors', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'cache_hits', ARGV[6])
local done = redis.call('HINCRBY', KEYS[1], 'chunks_done', 1)
redis.call('EXPIRE', KEYS[2], ARGV[8])
redis.call('EXPIRE', KEYS[1], ARGV[8])
local total = redis.call('HGET', KEYS[1], 'chunks_total')
if total and done >= tonumber(total) then
  redis.call('HSET', KEYS[1], 'status', 'done', 'finished_at', ARGV[7])
  return 2
end
return 1
"""

#: Fail a job that has not finished. KEYS: the record. ARGV: the code, the message, the time.
FAIL = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'failed', 'error_code', ARGV[1], 'error_message', ARGV[2],
           'finished_at', ARGV[3])
return 1
"""
