-- The network's version: every write to a table the matching engine reads
-- bumps it in the same transaction (these triggers), so each serving
-- process keeps the network it built until the version moves.
CREATE TABLE network_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO network_version (id, version) VALUES (1, 1);

CREATE TRIGGER countries_insert_bumps_network AFTER INSERT ON countries BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER countries_update_bumps_network AFTER UPDATE ON countries BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER countries_delete_bumps_network AFTER DELETE ON countries BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER topics_insert_bumps_network AFTER INSERT ON topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER topics_update_bumps_network AFTER UPDATE ON topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER topics_delete_bumps_network AFTER DELETE ON topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER cities_insert_bumps_network AFTER INSERT ON cities BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER cities_update_bumps_network AFTER UPDATE ON cities BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER cities_delete_bumps_network AFTER DELETE ON cities BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER city_aliases_insert_bumps_network AFTER INSERT ON city_aliases BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER city_aliases_update_bumps_network AFTER UPDATE ON city_aliases BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER city_aliases_delete_bumps_network AFTER DELETE ON city_aliases BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER twin_links_insert_bumps_network AFTER INSERT ON twin_links BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER twin_links_update_bumps_network AFTER UPDATE ON twin_links BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER twin_links_delete_bumps_network AFTER DELETE ON twin_links BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER cluster_memberships_insert_bumps_network AFTER INSERT ON cluster_memberships BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER cluster_memberships_update_bumps_network AFTER UPDATE ON cluster_memberships BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER cluster_memberships_delete_bumps_network AFTER DELETE ON cluster_memberships BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER evidence_insert_bumps_network AFTER INSERT ON evidence BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER evidence_update_bumps_network AFTER UPDATE ON evidence BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER evidence_delete_bumps_network AFTER DELETE ON evidence BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER offers_insert_bumps_network AFTER INSERT ON offers BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER offers_update_bumps_network AFTER UPDATE ON offers BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER offers_delete_bumps_network AFTER DELETE ON offers BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER offer_topics_insert_bumps_network AFTER INSERT ON offer_topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER offer_topics_update_bumps_network AFTER UPDATE ON offer_topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER offer_topics_delete_bumps_network AFTER DELETE ON offer_topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER requests_insert_bumps_network AFTER INSERT ON requests BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER requests_update_bumps_network AFTER UPDATE ON requests BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER requests_delete_bumps_network AFTER DELETE ON requests BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER request_topics_insert_bumps_network AFTER INSERT ON request_topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER request_topics_update_bumps_network AFTER UPDATE ON request_topics BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER request_topics_delete_bumps_network AFTER DELETE ON request_topics BEGIN UPDATE network_version SET version = version + 1; END;
-- Completed mentorships are ties of the network too.
CREATE TRIGGER proposals_update_bumps_network AFTER UPDATE ON proposals
WHEN NEW.status = 'completed' OR OLD.status = 'completed'
BEGIN UPDATE network_version SET version = version + 1; END;
CREATE TRIGGER proposals_delete_bumps_network AFTER DELETE ON proposals
WHEN OLD.status = 'completed'
BEGIN UPDATE network_version SET version = version + 1; END;
