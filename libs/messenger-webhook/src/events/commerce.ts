import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsNumber, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MessagingEvent } from './common.js';

/** One line of a cart sent from a Shop. */
export class OrderProduct {
  /** Product id in the Facebook catalog. */
  @IsString()
  id!: string;

  /** Your own id for the product (SKU / content id). */
  @IsString()
  retailer_id!: string;

  /** Product name. */
  @IsString()
  name!: string;

  /** Price of one unit, in `currency`. */
  @IsNumber()
  unit_price!: number;

  /** ISO 4217 code. */
  @IsString()
  currency!: string;

  /** Units ordered. */
  @IsNumber()
  quantity!: number;
}

/** A cart a person sent from the Page's Shop. */
export class Order {
  /** Cart lines. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OrderProduct)
  products!: OrderProduct[];

  /** Note the person added to the cart. */
  @IsOptional()
  @IsString()
  note?: string;
}

/** `send_cart`: a person sent their Shop cart in the conversation. */
export class SendCartEvent extends MessagingEvent {
  /** The cart; Meta names the key `order`. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Order)
  order!: Order;
}
