// Cloud: ingest, recognition workers, store, enrollment, fleet push, HTTP API and dashboard.
