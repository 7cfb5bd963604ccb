import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableCors({ origin: '*', credentials: true }); // ruleid: cors-credentials-any-origin
  await app.listen(3000);
}

async function bootstrapAdmin() {
  const admin = await NestFactory.create(AppModule);
  admin.enableCors({ origin: 'https://admin.example.com', credentials: true }); // ok: cors-credentials-any-origin
  await admin.listen(3001);
}

bootstrap();
bootstrapAdmin();
