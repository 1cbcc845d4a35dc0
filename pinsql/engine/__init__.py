"""The SQL engine: sqlglot plans the API calls, DuckDB runs the rest over Arrow.

One statement goes through these modules, each with one job:

``params``      parse with sqlglot (dialect ``duckdb``), bind ``?`` parameters as literal nodes
``references``  find catalog tables (CTE names and session-local tables shadow them),
                rewrite them to internal relations ``__pinsql_<n>``
``predicates``  WHERE conjuncts → per-column constraints (values, date ranges, contradictions)
``planner``     analyse the tree (qualify, move simple predicates / LIMIT / projections into
                subqueries when safe), choose each table's endpoint by estimated calls,
                semi-join keys between scans
``scan``        planned scans → requests (fan-out, chunks, date windows, followers) → the client's threads
``reader``      response bodies → Arrow: bookmarks while paging, then one DuckDB ``from_json``
                statement per scan; ``pyconvert``: the same conversion in Python for small batches
``shapes``      Python extractors for responses that are not a list of rows (organic analytics,
                top pins); ``convert``: column types → Arrow types
``session``     the connection's locked-down in-memory DuckDB: runs the statement, local tables
``inlists``     long ``IN (...)`` literal lists: cut out of the text before sqlglot parses it,
                sent to DuckDB as one list parameter (cheaper to bind)
``passthrough`` plain projections (with = / IN filters) answered from the scanned Arrow table
``explain``     ``EXPLAIN <select>`` rows; ``infoschema``: ``information_schema`` / ``SHOW`` / ``DESCRIBE``

Behaviour worth knowing (see also the planner's docstrings):

* Every predicate is applied again locally (by DuckDB, or by Arrow for a plain projection's
  = / IN filters): pushdown decides how much is fetched, never which rows are returned.
* Analytics tables without a ``date`` filter read the schema's default window
  (``default_days``, 30 days ending today, UTC). Ranges are split into the fewest windows the
  API accepts (``end_date - start_date <= max_span_days``); a start before
  ``today - max_lookback_days`` raises DataError naming the earliest allowed date. With
  ``granularity = 'HOUR'`` the hourly limits apply (3-day windows, 8 days back). TOTAL rows get
  the window's first day as ``date``.
* Ad tables read the connection's ad account unless ``WHERE ad_account_id = ... / IN (...)``.
  Entity lists send every status unless ``status`` is filtered.
* Parent lists used for fan-out (boards for board_pins, campaigns for campaign analytics) are
  memoised per connection for 60 seconds.
* The DuckDB connection has no file or network access, cannot install or load extensions and
  its configuration is locked.
"""
