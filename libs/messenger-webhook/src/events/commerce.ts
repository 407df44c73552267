import { Field } from '../reading/field.decorators.js';
import { MessagingEvent } from './common.js';

/** One line of a cart sent from a Shop. */
export class OrderProduct {
  /** Product id in the Facebook catalog (Meta's own example sends a number: read as a string). */
  @Field.id()
  id!: string;

  /** Your own id for the product (SKU / content id). */
  @Field.id({ optional: true })
  retailer_id?: string;

  /** Product name. */
  @Field.string({ optional: true })
  name?: string;

  /** Price of one unit, in `currency`. */
  @Field.number({ optional: true })
  unit_price?: number;

  /** ISO 4217 code. */
  @Field.string({ optional: true })
  currency?: string;

  /** Units ordered. */
  @Field.number({ optional: true })
  quantity?: number;
}

/** A cart a person sent from the Page's Shop. */
export class Order {
  /** Cart lines. */
  @Field.array(Field.nested(() => OrderProduct))
  products!: OrderProduct[];

  /** Note the person added to the cart. */
  @Field.string({ optional: true })
  note?: string;
}

/** `send_cart`: a person sent their Shop cart in the conversation. */
export class SendCartEvent extends MessagingEvent {
  /** The cart; Meta names the key `order`. */
  @Field.nested(() => Order)
  order!: Order;
}
