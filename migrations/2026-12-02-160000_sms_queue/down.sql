DROP TABLE sms_queue;
