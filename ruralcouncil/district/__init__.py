"""The district's view (DESIGN §4.5): many village ledgers, each verified, consolidated.

Qt-free, and the only package (with the command line's district commands) that imports
DuckDB, lazily (``engine.duckdb``): it is an optional extra, ``ruralcouncil[district]``.
What travels from a village is a ledger file or a backup of it; it is opened read-only,
verified with ``ledger.verify.verify`` (schema, chain, signatures), and only then read, with
Python's sqlite3, at the chain position verify vouched for. Nothing unverified is merged.

Modules:

- ``engine``: DuckDB, imported on first use; a clear refusal when it is missing;
- ``store``: the store file (create, open, its version) and its tables, below;
- ``files``: the ledger files in the paths given (folders searched, backups included);
- ``village``: what is read from one verified ledger (codes, dates, amounts, numbers only);
- ``batches``: rows into DuckDB through a temporary CSV file (the fastest plain way);
- ``consolidate``: verify (in worker processes, ahead of the loading), classify (loaded,
  grown, unchanged, refused, rewritten) and load, one DuckDB transaction per ledger;
- ``figures``: a year's figures per village and for the district, equal to each village's
  own ``summary``, from the per-load sums (``year_sums``), now or as at a state;
- ``concerns``: what a village's own rules find wrong, per year, judged at each load;
- ``attention``: what needs the district's attention in a year, worded in the reader's
  language (``attention_list``), now or as at a state.

The store's *state* counts every outcome it recorded (1, 2, 3...: a load, a file refused,
rewritten or found unchanged); as at a state, the figures and the list read only what was
recorded up to it.

The store's tables (one DuckDB file; ``ledger`` is always the hash of the ledger's chain
position 1, ``chain.first_hash``, which names it for good; amounts are tiyn):

- ``store_version(version, created_at)``: the store's format (``store.STORE_VERSION``);
- ``ledgers``: one row per ledger held: ``village`` (its name, as its settings say), ``path``
  it was last loaded from, ``schema`` version, ``entries`` and ``head`` (the anchor its
  figures stand at), ``transactions`` (entries), ``state`` (the load that brought it here),
  ``loaded_at``, ``last_entry_date`` (its latest entry's date), ``last_chain_time`` (when its
  last chained record was made, as that record says);
- ``loads``: one row per load that added to the store: ``state`` (its outcome's),
  ``ledger``, ``path``, ``status`` (loaded or grown), ``entries``, ``head``, ``postings``
  added, ``loaded_at``, and the ``village``, ``last_entry_date`` and ``last_chain_time`` that
  copy had;
- ``chain(ledger, seq, hash)``: every chain position's hash (32 bytes), so that a later copy
  is checked against the history already loaded, at any position;
- ``postings(ledger, seq, number, date, account, fund, amount)``: every posting of every
  entry, reversals included, signed as the village's ``daily_totals`` are (a receipt is
  negative on its revenue source and positive on its cash account); ``seq`` is the entry's
  chain position, ``number`` the entry number people see, ``date`` its ``YYYY-MM-DD``;
- ``accounts(ledger, code, kind, box, position)``: each ledger's codes (cash, revenue,
  expenditure, equity), their annual-return box, and their order in the ledger;
- ``year_sums(ledger, state, account, year, amount)``: each load's sums of the ledger's
  postings (up to that load) by code and calendar year, what a summary reads;
- ``registers(ledger, state, year, assets, borrowings)``: boxes 9 and 10 at 31 December of
  each year from the one before the ledger's first dated event to its last, computed with
  the village's own ``assets.value_held`` and ``loans.borrowings``; outside that range the
  nearest year's figures hold;
- ``rewritten(path, ledger, village, stored, found, seen_at, state)``: a copy whose history
  differs from the store's (both anchors, ``N:HEX``); never merged;
- ``refused(path, ledger, problem, seen_at, state)``: a file refused (foreign, newer,
  tampered);
- ``concerns(ledger, state, year, concern, entry, date, amount, code, fund, box, figure)``:
  what the village's own rules found at each load (codes and numbers only);
- ``outcomes(path, ledger, status, seen_at, state)``: every outcome recorded, each with its
  own state (a path's latest is its highest).

No party, donor or household name, no description or reference, is ever stored.
"""
