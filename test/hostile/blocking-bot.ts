import { Injectable } from '@nestjs/common';
import { MessengerDispatcher, OnMessage, type HandlerFailure, type MessageEvent } from 'nestjs-messenger-webhook';
import type { MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import type { INestApplication } from '@nestjs/common';
import { deferred, type Deferred } from '../support/deferred.js';
import { VERIFY_TOKEN } from '../support/app.js';

/**
 * A message handler that holds each message until the test releases it by mid, and counts what runs at once:
 * in all, and per sender (one conversation).
 */
@Injectable()
export class Blocking {
  /** Mids whose handler returned, in the order they returned. */
  readonly finished: string[] = [];
  /** Mids whose handler started, in the order they started. */
  readonly started: string[] = [];
  /** Handler bodies running now. */
  running = 0;
  /** The most bodies that ever ran at once. */
  maxRunning = 0;
  /** How many times a body started while another body of the same sender was still running. */
  overlaps = 0;
  private readonly runningBySender = new Map<string, number>();
  private readonly entries = new Map<string, Deferred<void>>();
  private readonly gates = new Map<string, Deferred<void>>();

  @OnMessage()
  async hold(event: MessageEvent): Promise<void> {
    const mid = event.message.mid;
    const sender = event.senderId ?? '';
    this.started.push(mid);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const mine = (this.runningBySender.get(sender) ?? 0) + 1;
    this.runningBySender.set(sender, mine);
    if (mine > 1) this.overlaps++;
    this.entered(mid).resolve();
    await this.gate(mid).promise;
    this.running--;
    this.runningBySender.set(sender, (this.runningBySender.get(sender) ?? 1) - 1);
    this.finished.push(mid);
  }

  /** Resolves once the handler started on `mid`. */
  entered(mid: string): Deferred<void> {
    return getOrCreate(this.entries, mid);
  }

  /** Lets the handler of `mid` return (now, or as soon as it starts). */
  release(mid: string): void {
    getOrCreate(this.gates, mid).resolve();
  }

  /** Lets every handler started so far, and every later one, return. */
  releaseAll(): void {
    this.released = true;
    for (const gate of this.gates.values()) gate.resolve();
  }

  private released = false;

  private gate(mid: string): Deferred<void> {
    const gate = getOrCreate(this.gates, mid);
    if (this.released) gate.resolve();
    return gate;
  }
}

function getOrCreate(map: Map<string, Deferred<void>>, key: string): Deferred<void> {
  let value = map.get(key);
  if (!value) map.set(key, (value = deferred()));
  return value;
}

/** Collects the dispatcher's failures and lets a test wait for the timeout of one message. */
export class Timeouts {
  private readonly seen = new Map<string, Deferred<HandlerFailure>>();

  constructor(app: INestApplication) {
    app.get(MessengerDispatcher).failures$.subscribe((failure) => {
      if (failure.reason === 'timeout' && failure.mid) getOrCreateFailure(this.seen, failure.mid).resolve(failure);
    });
  }

  /** Resolves once the handler of `mid` was reported as timed out. */
  of(mid: string): Promise<HandlerFailure> {
    return getOrCreateFailure(this.seen, mid).promise;
  }
}

function getOrCreateFailure(map: Map<string, Deferred<HandlerFailure>>, key: string): Deferred<HandlerFailure> {
  let value = map.get(key);
  if (!value) map.set(key, (value = deferred<HandlerFailure>()));
  return value;
}

/**
 * One full HTTP exchange with the server (the handshake). Whatever the server had already set in motion in memory
 * (a next handler starting after a timeout) has run by the time this answer comes back.
 */
export async function roundTrip(client: MessengerTestClient): Promise<void> {
  await client.verify(VERIFY_TOKEN, 'probe');
}
