// Agent: the edge pipeline (tracker, crop selection, outbox, gallery sync, status).
