import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';
import { ConnectionArgs } from '@app/common';

/** Page plus filter in one args class: the validation pipe refuses arguments the class does not declare. */
@ArgsType()
export class AuditLogArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  entityType?: string | null;
}
