-- Who moved a post through moderation, when, and why: one row per decision, newest last.
CREATE TABLE post_moderations (
    id bigserial PRIMARY KEY,
    "postId" uuid NOT NULL REFERENCES posts ("uuid") ON UPDATE CASCADE ON DELETE CASCADE,
    -- The post's status after the decision: true approved, false declined, NULL back to pending.
    status boolean,
    reason text,
    -- Kept when the moderator's account goes, as the decision still happened.
    "moderatorId" uuid REFERENCES users ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    "createdAt" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_moderations_post ON post_moderations ("postId", "createdAt");

-- The moderation queue reads pending posts oldest first.
CREATE INDEX posts_pending_created ON posts ("createdAt", uuid) WHERE status IS NULL;

-- Every admin write: who, what, on what, when. Written after the write succeeded.
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    -- Not a foreign key: the record outlives the actor's account.
    "actorId" uuid NOT NULL,
    -- The route, e.g. `DELETE /api/v1/auth/{uuid}`.
    action text NOT NULL,
    -- The path's ids, e.g. the deleted user's uuid; NULL for a route without one.
    target text,
    status smallint NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log ("actorId", at DESC);
