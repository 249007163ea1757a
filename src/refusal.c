/*
 * refusal.c -- a message the forwarder refused for good: what a
 * bounce needs is kept while it is read, and afterwards it is bounced
 * (or, for spam, deleted) and recorded so that it is never bounced
 * twice.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounce.h"
#include "log.h"
#include "net.h"
#include "session_int.h"
#include "uidstore.h"
#include "xmalloc.h"

void
refusal_free(struct refusal *rf)
{
	free(rf->from);
	free(rf->rcpt);
	free(rf->hdr);
	free(rf->reply);
	memset(rf, 0, sizeof(*rf));
}

/* Keep what a bounce would need, only when one may be sent. */
void
refusal_note(struct session *s, struct refusal *rf, const struct envelope *e,
    const char *hdr, size_t hdrlen)
{
	if (s->opts->softbounce)
		return;
	refusal_free(rf);
	rf->from = xstrdup(e->from);
	rf->rcpt = xstrdup(e->rcpts.n > 0 ? e->rcpts.v[0] : s->account->user);
	rf->hdr = xstrndup(hdr, hdrlen);
	rf->hdrlen = strlen(rf->hdr);
}

static int
refusal_is_spam(const struct account *a, int code)
{
	size_t	i;

	for (i = 0; i < a->antispam.n; i++) {
		if (code > 0 && atoi(a->antispam.v[i]) == code)
			return (1);
	}
	return (0);
}

/* Send the notice through the sink that refused the message. */
static int
refusal_bounce(struct session *s, struct sink *sk, const struct refusal *rf,
    const char *to, char **cause)
{
	const struct account	*a = s->account;
	struct bounce_info	 b;
	struct envelope		 env;
	char			 me[256], date[64], boundary[64], acct[512];
	char			*text;
	size_t			 len;
	enum sink_result	 r;

	net_local_hostname(me, sizeof(me));
	deliver_date(date, sizeof(date));
	snprintf(boundary, sizeof(boundary), "pullmail-%ld-%lld",
	    (long)getpid(), (long long)time(NULL));
	snprintf(acct, sizeof(acct), "%s@%s", a->user, a->name);
	memset(&b, 0, sizeof(b));
	b.me = me;
	b.to = to;
	b.rcpt = rf->rcpt;
	b.reply = rf->reply != NULL ? rf->reply : "refused";
	b.account = acct;
	b.hdr = rf->hdr;
	b.hdrlen = rf->hdrlen;
	b.date = date;
	b.boundary = boundary;
	if ((text = bounce_build(&b, &len)) == NULL) {
		xasprintf(cause, "cannot build the bounce");
		return (-1);
	}
	memset(&env, 0, sizeof(env));
	env.from = xstrdup("");		/* a bounce never bounces */
	strlist_add(&env.rcpts, to);
	env.size = len;
	if ((r = sk->ops->begin(sk, &env, cause)) == SINK_OK) {
		if ((r = sk->ops->write(sk, text, len, cause)) == SINK_OK)
			r = sk->ops->commit(sk, cause);
		else
			sk->ops->abort(sk);
	}
	if (r != SINK_OK && *cause == NULL)
		xasprintf(cause, "refused");
	envelope_free(&env);
	free(text);
	return (r == SINK_OK ? 0 : -1);
}

/*
 * The forwarder refused a message for good and softbounce is off
 * (fetchmail's rules): an antispam code deletes it without a word unless
 * spambounce; anything else is bounced to the sender (the postmaster
 * with "no bouncemail"), at most once, and deleted only once the bounce
 * was accepted.  Other sinks' refusals are kept: there is no bounce path.
 */
int
refusal_handle(struct session *s, struct sink *sk, struct folder_state *fs,
    const struct msg *m, const struct refusal *rf)
{
	const struct account	*a = s->account;
	const struct poll_opts	*o = s->opts;
	char			 kbuf[16], *cause = NULL;
	const char		*key = ledger_key(s, m, kbuf, sizeof(kbuf));
	const char		*to;
	int			 rc;

	if (sk->code == 0 || rf->from == NULL)
		return (0);
	if (refusal_is_spam(a, sk->code) && !o->spambounce) {
		log_info("%s@%s: message %u refused as spam (%d); deleted "
		    "without a bounce (no softbounce)", a->user, a->name,
		    m->num, sk->code);
	} else {
		to = o->bouncemail && rf->from[0] != '\0' ? rf->from :
		    o->postmaster;
		if (to == NULL || *to == '\0') {
			log_warnx("%s@%s: message %u: nobody to bounce it to; "
			    "left on the server", a->user, a->name, m->num);
			return (0);
		}
		/* Written first: killed during the bounce, never again. */
		if (key != NULL && uidstore_record(fs->store, key, UID_BOUNCE,
		    &cause) != 0)
			goto fail;
		if (refusal_bounce(s, sk, rf, to, &cause) != 0) {
			log_warnx("%s@%s: message %u: the bounce to <%s> was "
			    "not sent (%s); the message stays on the server",
			    a->user, a->name, m->num, to, cause);
			free(cause);
			cause = NULL;
			if (key != NULL && uidstore_record(fs->store, key,
			    UID_NONE, &cause) != 0)
				goto fail;
			return (0);
		}
		log_info("%s@%s: message %u bounced to <%s> and deleted (no "
		    "softbounce)", a->user, a->name, m->num, to);
	}
	if (key != NULL && uidstore_record(fs->store, key, UID_DELETE,
	    &cause) != 0)
		goto fail;
	if ((rc = s->driver->dispose(s, m, DISP_DELETE, &cause)) != 0) {
		session_warn(s, cause);
		return (rc);
	}
	return (0);
fail:
	session_warn(s, cause);
	return (PM_IOERR);
}
