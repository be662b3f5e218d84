// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/virtq/ barriers under real concurrency: a driver thread and a
 * device thread on the same rings push 1,000,000 chains (one 64-byte
 * readable buffer carrying a sequence number and a pattern, one 8-byte
 * writable reply). Both sides sleep when idle, exactly as a guest and a
 * device would: re-enable notifications, re-check, then wait on a
 * semaphore that the other side posts only when publish/notify_needed say
 * so. A missing release/acquire shows up as corrupted or reordered data;
 * a missing full barrier as a lost wake-up, i.e. a hang that the harness
 * timeout turns into a failure.
 */
#include "test.h"
#include "virtq_fixture.h"

#include <pthread.h>
#include <semaphore.h>

#define NUM 256u
#define SLOTS (NUM / 2u) /* two descriptors per chain: never NOSPACE */
#define MSG_LEN 64u
#define REPLY_LEN 8u
#define SLOT_STRIDE 128u
#define NOTIFY_BATCH 32u

struct run {
	struct vqf f;
	uint32_t chains;
	sem_t kick; /* driver -> device notification */
	sem_t irq; /* device -> driver notification */
	uint64_t kicks_posted;
	uint64_t irqs_posted;
};

static uint64_t reply_of(uint64_t seq)
{
	return seq * 0x9E3779B97F4A7C15ull + 1u;
}

static uint8_t fill_byte(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq ^ (seq >> 8) ^ (i * 29u));
}

static void check_request(const struct virtq_chain *c, uint64_t expect_seq)
{
	const uint8_t *p = c->iov[0].ptr;
	uint32_t i = 0;

	ASSERT_EQ(c->n_out, 1);
	ASSERT_EQ(c->n_in, 1);
	ASSERT_EQ(c->out_len, MSG_LEN);
	ASSERT_EQ(c->in_len, REPLY_LEN);
	/* In order: the device pops in avail order (§2.7.6). */
	ASSERT_EQ(le64_get(p), expect_seq);
	for (i = 8; i < MSG_LEN; i++) {
		ASSERT_EQ(p[i], fill_byte(expect_seq, i));
	}
}

static void dev_signal(struct run *r)
{
	if (virtq_dev_notify_needed(&r->f.dev)) {
		r->irqs_posted++;
		sem_post(&r->irq);
	}
}

static void *device_thread(void *arg)
{
	struct run *r = arg;
	struct virtq_dev *dev = &r->f.dev;
	struct virtq_chain c;
	uint64_t served = 0;
	int rc = 0;

	/* Polling mode while there is work; notifications only to sleep. */
	virtq_dev_disable_notify(dev);
	while (served < r->chains) {
		rc = virtq_dev_pop(dev, &c);
		if (rc == VIRTQ_OK) {
			check_request(&c, served);
			le64_put(c.iov[1].ptr, reply_of(served));
			ASSERT_EQ(virtq_dev_push(dev, c.head, REPLY_LEN),
				  VIRTQ_OK);
			served++;
			if (!(served % NOTIFY_BATCH)) {
				dev_signal(r);
			}
			continue;
		}
		ASSERT_EQ(rc, VIRTQ_E_EMPTY);
		dev_signal(r);
		if (virtq_dev_enable_notify(dev)) {
			virtq_dev_disable_notify(dev);
			continue;
		}
		sem_wait(&r->kick);
		virtq_dev_disable_notify(dev);
	}
	dev_signal(r);
	return NULL;
}

static unsigned int fill(struct run *r, uint32_t *free_slots,
			 unsigned int *n_free, uint64_t *slot_seq,
			 uint64_t *next_seq)
{
	unsigned int added = 0;

	while (*next_seq < r->chains && *n_free) {
		uint32_t s = free_slots[--*n_free];
		uint64_t off = (uint64_t)s * SLOT_STRIDE;
		uint8_t *p = r->f.area[VQF_DATA].base + off;
		struct virtq_buf out = { vqf_addr(VQF_DATA, off), MSG_LEN };
		struct virtq_buf in = { vqf_addr(VQF_DATA, off + MSG_LEN),
					REPLY_LEN };
		uint32_t i = 0;

		le64_put(p, *next_seq);
		for (i = 8; i < MSG_LEN; i++) {
			p[i] = fill_byte(*next_seq, i);
		}
		le64_put(p + MSG_LEN, 0);
		slot_seq[s] = *next_seq;
		ASSERT_EQ(virtq_drv_add(&r->f.drv, &out, 1, &in, 1,
					(void *)(uintptr_t)(s + 1u)),
			  VIRTQ_OK);
		(*next_seq)++;
		added++;
	}
	return added;
}

/* The driver: fill, publish, collect; sleep only with callbacks on. */
static void drive(struct run *r)
{
	static uint32_t free_slots[SLOTS];
	static uint64_t slot_seq[SLOTS];
	struct virtq_drv *drv = &r->f.drv;
	unsigned int n_free = SLOTS;
	uint64_t next_seq = 0;
	uint64_t done = 0;
	uint32_t s = 0;

	for (s = 0; s < SLOTS; s++) {
		free_slots[s] = s;
	}
	virtq_drv_disable_cb(drv);
	while (done < r->chains) {
		unsigned int added =
			fill(r, free_slots, &n_free, slot_seq, &next_seq);
		unsigned int got = 0;
		uint32_t len = 0;
		void *tok = NULL;

		if (added && virtq_drv_publish(drv)) {
			r->kicks_posted++;
			sem_post(&r->kick);
		}
		while ((tok = virtq_drv_get_used(drv, &len)) != NULL) {
			s = (uint32_t)((uintptr_t)tok - 1u);
			ASSERT_TRUE(s < SLOTS);
			ASSERT_EQ(slot_seq[s], done);
			ASSERT_EQ(len, REPLY_LEN);
			ASSERT_EQ(le64_get(r->f.area[VQF_DATA].base +
					   (uint64_t)s * SLOT_STRIDE + MSG_LEN),
				  reply_of(done));
			free_slots[n_free++] = s;
			done++;
			got++;
		}
		ASSERT_FALSE(drv->broken);
		if (got || added) {
			continue;
		}
		if (!virtq_drv_enable_cb(drv)) {
			virtq_drv_disable_cb(drv);
			continue;
		}
		sem_wait(&r->irq);
		virtq_drv_disable_cb(drv);
	}
}

static void run_threads(bool event_idx, uint32_t chains)
{
	static struct run r;
	pthread_t dev;

	memset(&r, 0, sizeof(r));
	vqf_setup(&r.f, NUM, event_idx, false, SLOTS * SLOT_STRIDE);
	r.chains = chains;
	ASSERT_EQ(sem_init(&r.kick, 0, 0), 0);
	ASSERT_EQ(sem_init(&r.irq, 0, 0), 0);
	ASSERT_EQ(pthread_create(&dev, NULL, device_thread, &r), 0);
	drive(&r);
	ASSERT_EQ(pthread_join(dev, NULL), 0);
	ASSERT_EQ(r.f.drv.stats.added, chains);
	ASSERT_EQ(r.f.drv.stats.used, chains);
	ASSERT_EQ(r.f.dev.stats.popped, chains);
	ASSERT_EQ(r.f.dev.stats.pushed, chains);
	ASSERT_EQ(r.f.dev.stats.rejected, 0);
	ASSERT_EQ(r.f.drv.num_free, NUM);
	ASSERT_EQ(r.f.drv.stats.kicks, r.kicks_posted);
	ASSERT_EQ(r.f.dev.stats.notifies, r.irqs_posted);
	ASSERT_EQ(vqf_used_idx(&r.f), (uint16_t)chains);
	printf("  %u chains: %" PRIu64 " kicks, %" PRIu64
	       " device notifications\n",
	       chains, r.kicks_posted, r.irqs_posted);
	sem_destroy(&r.kick);
	sem_destroy(&r.irq);
	vqf_teardown(&r.f);
}

TEST(two_threads_move_a_million_chains_intact_with_event_idx)
{
	run_threads(true, 1000000);
}

TEST(two_threads_move_chains_intact_with_notification_flags)
{
	run_threads(false, 200000);
}
