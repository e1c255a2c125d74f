import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppExceptionFilter } from './app-exception.filter.js';

/** The global exception filter of an HTTP process: every error becomes one kind of answer. */
@Module({ providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }] })
export class HttpErrorsModule {}
