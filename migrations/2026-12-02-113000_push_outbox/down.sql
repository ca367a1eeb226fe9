DROP TABLE push_daily_quota;
DROP TABLE notification_outbox;

-- PostgreSQL cannot drop an enum label: the type is rebuilt without `sending`.
UPDATE notification_history SET status = 'pending' WHERE status::text = 'sending';
ALTER TYPE "enum_notification_history_status" RENAME TO "enum_notification_history_status_old";
CREATE TYPE "enum_notification_history_status" AS ENUM ('pending', 'sent', 'failed', 'partial');
ALTER TABLE notification_history ALTER COLUMN status DROP DEFAULT;
ALTER TABLE notification_history ALTER COLUMN status TYPE "enum_notification_history_status"
    USING status::text::"enum_notification_history_status";
ALTER TABLE notification_history ALTER COLUMN status SET DEFAULT 'pending';
DROP TYPE "enum_notification_history_status_old";
