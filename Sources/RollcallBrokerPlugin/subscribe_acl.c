// Rollcall's Mosquitto plugin: refuses subscriptions that the broker's ACL file does not grant.
//
// WHY
// Mosquitto 2.0's acl_file grants every SUBSCRIBE (security_default.c: "FIXME - implement ACL subscription
// strings") and checks read access only when it delivers a message. For an ordinary subscription that is
// enough: a message the subscriber may not read is simply not sent to it. For a shared subscription
// (`$share/GROUP/FILTER`) it is not: the broker picks one member of the group per message, round robin, and
// when the ACL refuses that member the message is dropped for the whole group (subs.c, subs__shared_process).
// So any client that joins the cloud's share group takes its share of every agent's face crops and throws
// them away, silently, although its ACL lets it read none of them.
//
// WHAT
// For every SUBSCRIBE this plugin answers from the same ACL file (its `user` and `topic` lines): a filter is
// granted only when one `topic read|readwrite` pattern of the client's user covers it entirely (every topic
// the filter can match also matches the pattern) and no `topic deny` pattern of that user can match any topic
// the filter matches. A shared subscription is a filter like any other, whole: `$share/g/rollcall/…` is
// covered only by a pattern that starts with `$share/`, which only the cloud's block of the ACL has.
// Refused subscriptions get SUBACK reason 0x87 (not authorised) and a notice in the broker's log.
// Publish and delivery checks (READ, WRITE) and UNSUBSCRIBE are left to the acl_file as before.
//
// The ACL is read at start and again on every reload (SIGHUP). `pattern` lines are not considered: they
// grant no subscription here (the acl_file still applies them to delivery).
//
// Configuration (mosquitto.conf, after `plugin PATH`):
//   plugin_opt_acl_file PATH     the ACL file (the same as `acl_file`)
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

enum grant_kind { GRANT_READ, GRANT_DENY };

struct grant {
    char *user;          // NULL: the lines before the first `user` line (clients without a user name)
    char *pattern;
    enum grant_kind kind;
};

struct rules {
    struct grant *items;
    size_t count;
};

static mosquitto_plugin_id_t *plugin_id;
static char *acl_path;
static struct rules current;

// MARK: Filters

// The next level of a filter: its start and length; advances `cursor` past it and its '/'. Returns false when
// there is no level left.
static bool next_level(const char **cursor, bool *more, const char **start, size_t *length) {
    if (!*more) return false;
    const char *slash = strchr(*cursor, '/');
    *start = *cursor;
    if (slash) {
        *length = (size_t)(slash - *cursor);
        *cursor = slash + 1;
    } else {
        *length = strlen(*cursor);
        *cursor += *length;
        *more = false;
    }
    return true;
}

static bool level_is(const char *start, size_t length, const char *text) {
    return length == strlen(text) && memcmp(start, text, length) == 0;
}

// Whether every topic that `filter` matches also matches `pattern`.
static bool filter_covers(const char *pattern, const char *filter) {
    const char *p = pattern, *f = filter;
    bool p_more = true, f_more = true, first = true;
    const char *ps, *fs;
    size_t pl, fl;
    while (true) {
        bool has_p = next_level(&p, &p_more, &ps, &pl);
        bool has_f = next_level(&f, &f_more, &fs, &fl);
        if (!has_p) return !has_f;                       // both ended: covered; filter longer: not
        // A wildcard in the first level never matches a topic starting with '$' (MQTT 4.7.2).
        bool dollar = first && has_f && fl > 0 && fs[0] == '$';
        if (level_is(ps, pl, "#")) return !dollar;       // covers this level and everything below
        if (!has_f) return false;                        // pattern has more (non-#) levels than the filter
        if (level_is(fs, fl, "#")) return false;         // only '#' covers '#'
        if (level_is(ps, pl, "+")) {
            if (dollar) return false;
        } else if (level_is(fs, fl, "+") || pl != fl || memcmp(ps, fs, pl) != 0) {
            return false;                                // a literal covers only the same literal
        }
        first = false;
    }
}

// Whether some topic matches both filters.
static bool filters_intersect(const char *a, const char *b) {
    const char *x = a, *y = b;
    bool x_more = true, y_more = true, first = true;
    const char *xs, *ys;
    size_t xl, yl;
    while (true) {
        bool has_x = next_level(&x, &x_more, &xs, &xl);
        bool has_y = next_level(&y, &y_more, &ys, &yl);
        if (!has_x || !has_y) {
            // One ended: they meet only if the other ends too or continues with '#' ("a/#" matches "a").
            if (has_x) return level_is(xs, xl, "#");
            if (has_y) return level_is(ys, yl, "#");
            return true;
        }
        bool x_wild = level_is(xs, xl, "#") || level_is(xs, xl, "+");
        bool y_wild = level_is(ys, yl, "#") || level_is(ys, yl, "+");
        if (first && ((x_wild && yl > 0 && ys[0] == '$') || (y_wild && xl > 0 && xs[0] == '$'))) return false;
        if (level_is(xs, xl, "#") || level_is(ys, yl, "#")) return true;
        if (!x_wild && !y_wild && (xl != yl || memcmp(xs, ys, xl) != 0)) return false;
        first = false;
    }
}

// MARK: The ACL file

static void rules_free(struct rules *rules) {
    for (size_t i = 0; i < rules->count; i++) {
        free(rules->items[i].user);
        free(rules->items[i].pattern);
    }
    free(rules->items);
    rules->items = NULL;
    rules->count = 0;
}

static char *trimmed(char *text) {
    while (*text && isspace((unsigned char)*text)) text++;
    size_t length = strlen(text);
    while (length > 0 && isspace((unsigned char)text[length - 1])) text[--length] = '\0';
    return text;
}

static bool rules_add(struct rules *rules, const char *user, const char *pattern, enum grant_kind kind) {
    struct grant *items = realloc(rules->items, (rules->count + 1) * sizeof(struct grant));
    if (!items) return false;
    rules->items = items;
    struct grant *grant = &items[rules->count];
    grant->user = user ? strdup(user) : NULL;
    grant->pattern = strdup(pattern);
    grant->kind = kind;
    if (!grant->pattern || (user && !grant->user)) {
        free(grant->user);
        free(grant->pattern);
        return false;
    }
    rules->count++;
    return true;
}

// Reads the `user` and `topic` lines of the ACL file at `path` into `out`. Returns a MOSQ_ERR_ code; on
// failure `out` is left empty and the reason is logged.
static int rules_load(const char *path, struct rules *out) {
    FILE *file = fopen(path, "r");
    if (!file) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "rollcall plugin: cannot open ACL file %s: %s", path, strerror(errno));
        return MOSQ_ERR_INVAL;
    }
    struct rules rules = {0};
    char *user = NULL;
    char *line = NULL;
    size_t capacity = 0;
    int number = 0, rc = MOSQ_ERR_SUCCESS;
    while (getline(&line, &capacity, file) >= 0) {
        number++;
        char *text = trimmed(line);
        if (*text == '\0' || *text == '#') continue;
        if (strncmp(text, "user ", 5) == 0) {
            free(user);
            user = strdup(trimmed(text + 5));
            if (!user) { rc = MOSQ_ERR_NOMEM; break; }
        } else if (strncmp(text, "topic ", 6) == 0) {
            char *rest = trimmed(text + 6);
            enum grant_kind kind = GRANT_READ;
            bool readable = true;
            if (strncmp(rest, "readwrite ", 10) == 0) rest = trimmed(rest + 10);
            else if (strncmp(rest, "read ", 5) == 0) rest = trimmed(rest + 5);
            else if (strncmp(rest, "write ", 6) == 0) { readable = false; rest = trimmed(rest + 6); }
            else if (strncmp(rest, "deny ", 5) == 0) { kind = GRANT_DENY; rest = trimmed(rest + 5); }
            if (*rest == '\0') {
                mosquitto_log_printf(MOSQ_LOG_ERR, "rollcall plugin: %s line %d: topic without a pattern", path, number);
                rc = MOSQ_ERR_INVAL;
                break;
            }
            if (readable && !rules_add(&rules, user, rest, kind)) { rc = MOSQ_ERR_NOMEM; break; }
        } else if (strncmp(text, "pattern ", 8) == 0) {
            mosquitto_log_printf(MOSQ_LOG_NOTICE, "rollcall plugin: %s line %d: pattern lines grant no subscription",
                                 path, number);
        } else {
            mosquitto_log_printf(MOSQ_LOG_ERR, "rollcall plugin: %s line %d: unknown line", path, number);
            rc = MOSQ_ERR_INVAL;
            break;
        }
    }
    free(line);
    free(user);
    fclose(file);
    if (rc != MOSQ_ERR_SUCCESS) {
        rules_free(&rules);
        return rc;
    }
    *out = rules;
    return MOSQ_ERR_SUCCESS;
}

static bool same_user(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

// Whether `user` may subscribe to `filter` under `rules`.
static bool subscription_granted(const struct rules *rules, const char *user, const char *filter) {
    bool covered = false;
    for (size_t i = 0; i < rules->count; i++) {
        const struct grant *grant = &rules->items[i];
        if (!same_user(grant->user, user)) continue;
        if (grant->kind == GRANT_DENY) {
            if (filters_intersect(grant->pattern, filter)) return false;
        } else if (!covered && filter_covers(grant->pattern, filter)) {
            covered = true;
        }
    }
    return covered;
}

// MARK: Mosquitto events

static int on_acl_check(int event, void *event_data, void *userdata) {
    (void)event;
    (void)userdata;
    struct mosquitto_evt_acl_check *check = event_data;
    if (check->access != MOSQ_ACL_SUBSCRIBE) return MOSQ_ERR_PLUGIN_DEFER;
    const char *user = mosquitto_client_username(check->client);
    if (subscription_granted(&current, user, check->topic)) return MOSQ_ERR_PLUGIN_DEFER;
    mosquitto_log_printf(MOSQ_LOG_NOTICE, "rollcall plugin: refused subscription to %s for %s (client %s)",
                         check->topic, user ? user : "(no user)", mosquitto_client_id(check->client));
    return MOSQ_ERR_ACL_DENIED;
}

static int on_reload(int event, void *event_data, void *userdata) {
    (void)event;
    (void)event_data;
    (void)userdata;
    struct rules fresh = {0};
    if (rules_load(acl_path, &fresh) != MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "rollcall plugin: keeping the previous subscription rules");
        return MOSQ_ERR_SUCCESS;
    }
    rules_free(&current);
    current = fresh;
    mosquitto_log_printf(MOSQ_LOG_INFO, "rollcall plugin: %zu subscription rules from %s", current.count, acl_path);
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions) {
    for (int i = 0; i < supported_version_count; i++) {
        if (supported_versions[i] == 5) return 5;
    }
    return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *options,
                          int option_count) {
    (void)userdata;
    plugin_id = identifier;
    for (int i = 0; i < option_count; i++) {
        if (strcmp(options[i].key, "acl_file") == 0) {
            free(acl_path);
            acl_path = strdup(options[i].value);
        }
    }
    if (!acl_path) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "rollcall plugin: plugin_opt_acl_file is not set");
        return MOSQ_ERR_INVAL;
    }
    int rc = rules_load(acl_path, &current);
    if (rc != MOSQ_ERR_SUCCESS) return rc;
    mosquitto_log_printf(MOSQ_LOG_INFO, "rollcall plugin: %zu subscription rules from %s", current.count, acl_path);
    rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
    if (rc != MOSQ_ERR_SUCCESS) return rc;
    return mosquitto_callback_register(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL, NULL);
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count) {
    (void)userdata;
    (void)options;
    (void)option_count;
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL);
    rules_free(&current);
    free(acl_path);
    acl_path = NULL;
    return MOSQ_ERR_SUCCESS;
}
