CREATE INDEX "alarms_cleared_at" ON "alarms" USING btree ("cleared_at") WHERE state = 'cleared';--> statement-breakpoint
CREATE INDEX "notification_deliveries_finished" ON "notification_deliveries" USING btree ("created_at") WHERE status <> 'pending';--> statement-breakpoint
CREATE INDEX "notification_outbox_created" ON "notification_outbox" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "notification_outbox_delivery" ON "notification_outbox" USING btree ("delivery_id");