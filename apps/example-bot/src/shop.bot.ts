import { Injectable, Logger, ParseIntPipe } from '@nestjs/common';
import {
  Ctx,
  DeliveryEvent,
  EchoEvent,
  MessageEvent,
  MessengerClient,
  OnDelivery,
  OnEcho,
  OnMessage,
  OnPostback,
  OnReaction,
  OnRead,
  OnStandby,
  Param,
  Payload,
  ReactionEvent,
  ReadEvent,
  Sender,
  Text,
  type MessengerContext,
  type MessengerEvent,
  type OutgoingMessage,
} from 'nestjs-messenger-webhook';

/** Items of the demo catalogue: SKU -> name. */
export const CATALOGUE: Readonly<Record<string, string>> = { A1: 'Red mug', B2: 'Blue scarf', C3: 'Green lamp' };

/**
 * A small shop assistant: greets, lists products, takes orders from postbacks, and keeps an eye on receipts. It answers
 * the three ways the library offers: by returning the reply, with `ctx.reply()`, and with the injected `MessengerClient`.
 */
@Injectable()
export class ShopBot {
  private readonly logger = new Logger(ShopBot.name);
  /** Quantity ordered per user and SKU, in memory for the demo. */
  readonly carts = new Map<string, Map<string, number>>();

  constructor(private readonly messenger: MessengerClient) {}

  /** "hi", "hello", "hey": greet and offer the menu as quick replies (the returned message is the reply). */
  @OnMessage(/^(hi|hello|hey)\b/i)
  greet(): OutgoingMessage {
    return {
      text: 'Hello! What would you like to do?',
      quick_replies: [
        { title: 'See products', payload: 'MENU_PRODUCTS' },
        { title: 'My cart', payload: 'MENU_CART' },
      ],
    };
  }

  /** A tap on a quick reply of the menu. */
  @OnMessage({ quickReply: 'MENU_{item}' })
  menu(@Sender() user: string, @Param('item') item: string): string {
    if (item !== 'PRODUCTS') return this.describeCart(user);
    const lines = Object.entries(CATALOGUE).map(([sku, name]) => `${sku}: ${name}`);
    return `Our products:\n${lines.join('\n')}\nReply "add A1 2" to order.`;
  }

  /** "add A1 2": put items in the cart; the pattern captures the SKU and the quantity. */
  @OnMessage(/^add (?<sku>[A-Z]\d) (?<qty>\d+)$/i)
  addFromText(@Sender() user: string, @Param('sku') sku: string, @Param('qty', ParseIntPipe) qty: number): string {
    return this.add(user, sku.toUpperCase(), qty);
  }

  /** A postback button "ADD:{sku}:{qty}" (e.g. from a product template). */
  @OnPostback('ADD:{sku}:{qty}')
  addFromButton(@Sender() user: string, @Param('sku') sku: string, @Param('qty', ParseIntPipe) qty: number): string {
    return this.add(user, sku, qty);
  }

  /** The Get Started button. */
  @OnPostback('GET_STARTED')
  getStarted(): string {
    return 'Welcome to the shop! Say "hi" to see the menu.';
  }

  /** Photos sent by the customer (e.g. of a damaged item): mark them seen, then answer with ctx.reply. */
  @OnMessage({ attachment: 'image' })
  async photo(@Sender() user: string, @Ctx() ctx: MessengerContext): Promise<void> {
    // Passing ctx sends from the event's page, on the event's platform.
    await this.messenger.markSeen(user, ctx);
    await ctx.reply('Thanks for the photo, a human will look at it.');
  }

  /** Anything else: a polite fallback (it runs only for text no other text handler claimed). */
  @OnMessage({ where: (event: MessageEvent) => typeof event.message.text === 'string' && !/^(hi|hello|hey)\b|^add /i.test(event.message.text) })
  fallback(@Text() text: string, @Payload() payload: string | undefined): string | undefined {
    if (payload) return undefined; // quick replies are answered by menu()
    return `Sorry, I did not understand "${text}". Say "hi" for the menu.`;
  }

  /** Our own messages come back as echoes: log them, never answer them (a return value here is never sent). */
  @OnEcho()
  onEcho(event: EchoEvent): void {
    this.logger.log(`echo of our message ${event.message.mid}`);
  }

  /** Reactions to our messages. */
  @OnReaction({ action: 'react' })
  onReaction(event: ReactionEvent, context: MessengerContext): void {
    this.logger.log(`${event.sender?.id} reacted ${event.reaction.emoji ?? event.reaction.reaction ?? ''} on ${context.platform}`);
  }

  /** Messenger read receipts (watermark) and Instagram seen (mid). */
  @OnRead()
  onRead(event: ReadEvent): void {
    this.logger.log(`read by ${event.sender?.id} (${event.read.watermark ?? event.read.mid})`);
  }

  /** Delivery receipts. */
  @OnDelivery()
  onDelivery(event: DeliveryEvent): void {
    this.logger.log(`delivered ${event.delivery.mids?.length ?? 0} message(s) up to ${event.delivery.watermark}`);
  }

  /** Events of conversations another app owns (Handover Protocol): watch, don't answer. */
  @OnStandby()
  onStandby(event: MessengerEvent, context: MessengerContext): void {
    this.logger.log(`standby ${context.kind} on page ${context.pageId}`);
  }

  private add(user: string, sku: string, qty: number): string {
    const name = CATALOGUE[sku];
    if (!name) return `There is no product ${sku}.`;
    const cart = this.carts.get(user) ?? new Map<string, number>();
    cart.set(sku, (cart.get(sku) ?? 0) + qty);
    this.carts.set(user, cart);
    return `Added ${qty} x ${name}. ${this.describeCart(user)}`;
  }

  private describeCart(user: string): string {
    const cart = this.carts.get(user);
    if (!cart?.size) return 'Your cart is empty.';
    return `Your cart: ${[...cart].map(([sku, qty]) => `${qty} x ${CATALOGUE[sku]}`).join(', ')}.`;
  }
}
