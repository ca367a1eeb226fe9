DROP TABLE audit_log;
DROP INDEX posts_pending_created;
DROP TABLE post_moderations;
