-- The index goes with its table.
DROP TABLE sms_messages;
DROP TABLE sms_devices;
