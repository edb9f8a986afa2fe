-- The network's version: every write to a table the matching engine reads
-- bumps it in the same transaction (these triggers), so each serving
-- process keeps the network it built until the version moves.
CREATE TABLE network_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO network_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_network_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER countries_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON countries FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER topics_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON topics FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER cities_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cities FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER city_aliases_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON city_aliases FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER twin_links_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON twin_links FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER cluster_memberships_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cluster_memberships FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER evidence_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON evidence FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER offers_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offers FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER offer_topics_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offer_topics FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER requests_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON requests FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER request_topics_bumps_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON request_topics FOR EACH STATEMENT EXECUTE FUNCTION bump_network_version();
-- Completed mentorships are ties of the network too.
CREATE TRIGGER proposals_update_bumps_network AFTER UPDATE ON proposals FOR EACH ROW
WHEN (NEW.status = 'completed' OR OLD.status = 'completed')
EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER proposals_delete_bumps_network AFTER DELETE ON proposals FOR EACH ROW
WHEN (OLD.status = 'completed')
EXECUTE FUNCTION bump_network_version();
