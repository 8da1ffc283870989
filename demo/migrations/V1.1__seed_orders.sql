INSERT INTO orders (customer, total_cents) VALUES ('ada', 1200), ('grace', 4550);
