CREATE OR REPLACE VIEW order_totals AS
  SELECT customer, sum(total_cents) AS total_cents, count(*) AS orders FROM orders GROUP BY customer;
